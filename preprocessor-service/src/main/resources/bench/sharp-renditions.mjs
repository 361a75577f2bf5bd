// The sharp reference for `./imgboard bench imaging` (preprocessor-service cli.Bench).
// Makes the same renditions as the imaging core from the same files: upright, fit inside the box,
// never enlarged, WebP at the same quality and effort, no metadata (sharp's default), a truncated
// file refused. Images go through LANES lanes, one image per lane at a time, its renditions made
// together (what a sharp user writes). Prints one JSON line: wall and CPU seconds, per-image
// milliseconds, errors.
//
//   node sharp-renditions.mjs OUT_DIR EFFORT LANES WARMUP name=WxH@Q[,…] FILE…
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(path.join(process.cwd(), 'package.json'));
const sharp = require('sharp');
// As many libvips threads per image as the core uses (VIPS_CONCURRENCY, set by the bench), one image
// per lane, like the core (sharp's own default changes with the environment).
if (!process.env.VIPS_CONCURRENCY) throw new Error('VIPS_CONCURRENCY (libvips threads per image) is not set');
sharp.concurrency(Number(process.env.VIPS_CONCURRENCY));

const [outDir, effortArg, lanesArg, warmupArg, spec, ...files] = process.argv.slice(2);
const effort = Number(effortArg);
const lanes = Math.max(1, Number(lanesArg));
const warmup = Number(warmupArg);
const renditions = spec.split(',').map((entry) => {
  const m = /^([a-z0-9-]+)=(\d+)x(\d+)@(\d+)$/.exec(entry);
  if (!m) throw new Error(`bad rendition ${entry}`);
  return { name: m[1], width: Number(m[2]), height: Number(m[3]), quality: Number(m[4]) };
});

async function one(file) {
  const base = path.basename(file).replace(/\.[^.]*$/, '');
  await Promise.all(renditions.map((r) => sharp(file, { failOn: 'truncated' })
    .autoOrient()
    .resize(r.width, r.height, { fit: 'inside', withoutEnlargement: true })
    .webp({ quality: r.quality, effort })
    .toFile(path.join(outDir, `${base}-${r.name}.webp`))));
}

async function run(list) {
  const latencies = [];
  const errors = [];
  let next = 0;
  const lane = async () => {
    while (next < list.length) {
      const file = list[next++];
      const start = process.hrtime.bigint();
      try {
        await one(file);
        latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
      } catch (e) {
        errors.push(`${path.basename(file)}: ${e.message.split('\n')[0]}`);
      }
    }
  };
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  await Promise.all(Array.from({ length: lanes }, lane));
  const used = process.cpuUsage(cpu);
  return {
    seconds: Number(process.hrtime.bigint() - start) / 1e9,
    cpuSeconds: (used.user + used.system) / 1e6,
    latencies,
    errors,
  };
}

if (warmup > 0) await run(files.slice(0, warmup));
const result = await run(files);
console.log(JSON.stringify({
  sharp: sharp.versions.sharp, vips: sharp.versions.vips, webp: sharp.versions.webp,
  concurrency: sharp.concurrency(), images: files.length, ...result,
}));
