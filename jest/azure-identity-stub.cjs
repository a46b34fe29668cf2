// Jest cannot require the ESM-only dependencies of @azure/identity (https-proxy-agent 9), which
// tedious loads at start-up only for Azure AD logins. The tests use SQL logins, so this stand-in
// takes its place under jest; real code (node, esbuild bundles) loads the real package.
class AzureIdentityUnavailableInJest {
  constructor() {
    throw new Error('@azure/identity is stubbed under jest: use a SQL login for MSSQL_URL');
  }
}
module.exports = {
  ClientSecretCredential: AzureIdentityUnavailableInJest,
  DefaultAzureCredential: AzureIdentityUnavailableInJest,
  ManagedIdentityCredential: AzureIdentityUnavailableInJest,
  UsernamePasswordCredential: AzureIdentityUnavailableInJest,
};
