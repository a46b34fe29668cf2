import { essenceOf, fileExtensionFor } from '../../../src/media/file-extension';

describe('fileExtensionFor', () => {
  it.each([
    ['image/jpeg', '.jpg'],
    ['image/png', '.png'],
    ['image/webp', '.webp'],
    ['audio/ogg; codecs=opus', '.ogg'],
    ['audio/ogg;codecs=opus', '.ogg'],
    ['AUDIO/OGG', '.ogg'],
    ['audio/mpeg', '.mp3'],
    ['audio/mp4', '.m4a'],
    ['video/mp4', '.mp4'],
    ['audio/aac', '.aac'],
    ['audio/amr', '.amr'],
    ['video/3gpp', '.3gp'],
    ['application/pdf', '.pdf'],
    ['application/msword', '.doc'],
    ['application/vnd.openxmlformats-officedocument.wordprocessingml.document', '.docx'],
    ['application/vnd.ms-excel', '.xls'],
    ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', '.xlsx'],
    ['application/vnd.ms-powerpoint', '.ppt'],
    ['application/vnd.openxmlformats-officedocument.presentationml.presentation', '.pptx'],
    ['text/plain', '.txt'],
  ])('maps %s to %s', (mimeType, extension) => {
    expect(fileExtensionFor(mimeType)).toBe(extension);
  });

  it('keeps a spreadsheet sent as a document a spreadsheet, whatever its filename says', () => {
    expect(fileExtensionFor('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'report.pdf')).toBe('.xlsx');
  });

  it('uses the filename extension when the type is generic', () => {
    expect(fileExtensionFor('application/octet-stream', 'Invoice 2025.ODT')).toBe('.odt');
    expect(fileExtensionFor(undefined, 'notes.md')).toBe('.md');
  });

  it.each([
    ['no extension', 'README'],
    ['a path that tries to escape', '../../etc/passwd'],
    ['an extension with odd characters', 'evil.p$p'],
    ['an extension that is too long', 'archive.superlongextension'],
    ['a dot file', '.bashrc'],
  ])('falls back to .bin for %s', (_case, filename) => {
    expect(fileExtensionFor('application/x-unknown', filename)).toBe('.bin');
  });

  it('falls back to .bin with neither a known type nor a filename', () => {
    expect(fileExtensionFor(undefined)).toBe('.bin');
    expect(fileExtensionFor('application/x-unknown')).toBe('.bin');
  });

  it('strips parameters from a MIME type', () => {
    expect(essenceOf(' Audio/Ogg ; codecs=opus')).toBe('audio/ogg');
  });
});
