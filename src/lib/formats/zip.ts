// A minimal ZIP writer (stored entries, no compression) and a matching reader, enough for `.npz`
// archives (`numpy.load` reads a zip of `.npy` files). Pure: no Node or browser APIs, bytes in and
// bytes out. Names are written as UTF-8 with general-purpose bit 11 set. ZIP64 records are written
// only where a size, an offset or the entry count does not fit the classic fields (or when asked).
// Format: PKWARE APPNOTE.TXT 6.3 (sections 4.3 and 4.5.3).

export { ZipError, crc32, type ZipEntry, type ZipInput, type ZipOptions } from './zip/format.js';
export { unsafeZipName, writeZip } from './zip/write.js';
export { readZip } from './zip/read.js';
