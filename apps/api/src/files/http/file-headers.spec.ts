import { cleanContentType, cleanFilename, contentDisposition, etagOf, ifNoneMatchHits } from './file-headers';

describe('file headers', () => {
  describe('cleanFilename', () => {
    it.each([
      ['report.pdf', 'report.pdf'],
      ['../../etc/passwd', 'passwd'],
      ['C:\\Users\\me\\photo.jpg', 'photo.jpg'],
      ['line\r\nbreak.txt', 'linebreak.txt'],
      ['', 'file'],
      [undefined, 'file'],
      ['..', 'file'],
      ['dir/', 'file'],
      ['e\u0301te\u0301.txt', 'été.txt'],
    ])('%j → %j', (raw, expected) => {
      expect(cleanFilename(raw)).toBe(expected);
    });

    it('keeps at most 255 characters without splitting one', () => {
      const name = cleanFilename('😀'.repeat(300));
      expect(Array.from(name)).toHaveLength(255);
      expect(name).toBe('😀'.repeat(255));
    });
  });

  it.each([
    ['image/png', 'image/png'],
    ['Text/Plain; charset=utf-8', 'text/plain'],
    ['text/html\r\nX-Evil: 1', 'application/octet-stream'],
    ['nonsense', 'application/octet-stream'],
    [undefined, 'application/octet-stream'],
  ])('cleanContentType(%j) → %j', (raw, expected) => {
    expect(cleanContentType(raw)).toBe(expected);
  });

  describe('contentDisposition', () => {
    it('gives an ASCII fallback and the UTF-8 name', () => {
      expect(contentDisposition('Résumé 2024.pdf')).toBe(
        `attachment; filename="Resume 2024.pdf"; filename*=UTF-8''R%C3%A9sum%C3%A9%202024.pdf`,
      );
    });

    it('never lets quotes, CR/LF, separators or percent signs through', () => {
      const header = contentDisposition('a"b\r\nSet-Cookie: x=1;/..\\%41.txt');
      expect(header).not.toMatch(/[\r\n]/);
      const fallback = /filename="([^"]*)"/.exec(header)?.[1];
      expect(fallback).toBe("a'bSet-Cookie: x=1;_.._%41.txt".replace('%', '_'));
      const extended = /filename\*=UTF-8''(.*)$/.exec(header)?.[1] ?? '';
      expect(extended).toMatch(/^[A-Za-z0-9!#$&+\-.^_`|~%]*$/);
      expect(decodeURIComponent(extended)).toBe("a'bSet-Cookie: x=1;_.._%41.txt");
    });

    it('replaces characters without an ASCII form in the fallback only', () => {
      expect(contentDisposition('日本.txt')).toBe(`attachment; filename="__.txt"; filename*=UTF-8''%E6%97%A5%E6%9C%AC.txt`);
    });
  });

  it('matches If-None-Match lists, weak tags and *', () => {
    const etag = etagOf('ab'.repeat(32));
    expect(ifNoneMatchHits(undefined, etag)).toBe(false);
    expect(ifNoneMatchHits('"other"', etag)).toBe(false);
    expect(ifNoneMatchHits(`"other", ${etag}`, etag)).toBe(true);
    expect(ifNoneMatchHits(`W/${etag}`, etag)).toBe(true);
    expect(ifNoneMatchHits('*', etag)).toBe(true);
  });
});
