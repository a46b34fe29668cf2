// Keep test output readable: services log at warn unless a test asks otherwise.
process.env.LOG_LEVEL ??= 'silent';
