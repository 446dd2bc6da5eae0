// @ts-check
// Pure helpers for tools/generate-icons.mjs and the packaging check: PNG header reading and
// the two container formats electron-builder wants (Windows .ico, macOS .icns). Both
// containers hold PNG data as-is, which Windows Vista+ and macOS 10.7+ read.

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * Width and height from a PNG's IHDR chunk.
 * @param {Buffer} data
 * @returns {{ width: number, height: number }}
 */
export function pngSize(data) {
  if (data.length < 24 || !data.subarray(0, 8).equals(PNG_SIGNATURE)) {
    throw new Error('not a PNG file (bad signature)');
  }
  if (data.toString('ascii', 12, 16) !== 'IHDR') throw new Error('PNG without an IHDR chunk');
  return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
}

/**
 * A Windows icon holding one PNG per size (sizes up to 256).
 * @param {Buffer[]} pngs
 * @returns {Buffer}
 */
export function buildIco(pngs) {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0); // reserved
  header.writeUInt16LE(1, 2); // type 1 = icon
  header.writeUInt16LE(pngs.length, 4);
  const entries = [];
  let offset = 6 + 16 * pngs.length;
  for (const png of pngs) {
    const { width, height } = pngSize(png);
    if (width !== height || width > 256) throw new Error(`ico entries must be square, <= 256 px`);
    const entry = Buffer.alloc(16);
    entry.writeUInt8(width === 256 ? 0 : width, 0); // 0 means 256
    entry.writeUInt8(height === 256 ? 0 : height, 1);
    entry.writeUInt8(0, 2); // palette size
    entry.writeUInt8(0, 3); // reserved
    entry.writeUInt16LE(1, 4); // colour planes
    entry.writeUInt16LE(32, 6); // bits per pixel
    entry.writeUInt32LE(png.length, 8);
    entry.writeUInt32LE(offset, 12);
    entries.push(entry);
    offset += png.length;
  }
  return Buffer.concat([header, ...entries, ...pngs]);
}

/**
 * Sizes stored in an .ico, read back from its directory.
 * @param {Buffer} data
 * @returns {number[]}
 */
export function icoSizes(data) {
  if (data.length < 6 || data.readUInt16LE(0) !== 0 || data.readUInt16LE(2) !== 1) {
    throw new Error('not a Windows .ico file');
  }
  const count = data.readUInt16LE(4);
  const sizes = [];
  for (let i = 0; i < count; i++) {
    const base = 6 + 16 * i;
    const size = data.readUInt32LE(base + 8);
    const offset = data.readUInt32LE(base + 12);
    const png = data.subarray(offset, offset + size);
    sizes.push(pngSize(png).width);
  }
  return sizes;
}

/**
 * icns element types holding PNG data, and the pixel size each must have.
 * (Apple's "ic07".."ic14"; icp4..icp6 are the small PNG slots.)
 */
export const ICNS_TYPES = /** @type {const} */ ([
  ['icp4', 16],
  ['icp5', 32],
  ['icp6', 64],
  ['ic07', 128],
  ['ic08', 256],
  ['ic09', 512],
  ['ic10', 1024],
  ['ic11', 32],
  ['ic12', 64],
  ['ic13', 256],
  ['ic14', 512],
]);

/**
 * A macOS .icns from PNGs keyed by pixel size; every ICNS_TYPES size must be present.
 * @param {Map<number, Buffer>} pngBySize
 * @returns {Buffer}
 */
export function buildIcns(pngBySize) {
  const elements = ICNS_TYPES.map(([type, size]) => {
    const png = pngBySize.get(size);
    if (!png) throw new Error(`icns needs a ${size}px PNG for ${type}`);
    const head = Buffer.alloc(8);
    head.write(type, 0, 'ascii');
    head.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([head, png]);
  });
  const body = Buffer.concat(elements);
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'ascii');
  head.writeUInt32BE(body.length + 8, 4);
  return Buffer.concat([head, body]);
}

/**
 * The element types of an .icns and the pixel size of the PNG each holds.
 * @param {Buffer} data
 * @returns {{ type: string, size: number }[]}
 */
export function icnsEntries(data) {
  if (data.length < 8 || data.toString('ascii', 0, 4) !== 'icns') {
    throw new Error('not a macOS .icns file');
  }
  if (data.readUInt32BE(4) !== data.length) throw new Error('.icns length field is wrong');
  const entries = [];
  let offset = 8;
  while (offset < data.length) {
    const type = data.toString('ascii', offset, offset + 4);
    const length = data.readUInt32BE(offset + 4);
    if (length < 8 || offset + length > data.length)
      throw new Error(`.icns element ${type} is cut`);
    entries.push({ type, size: pngSize(data.subarray(offset + 8, offset + length)).width });
    offset += length;
  }
  return entries;
}
