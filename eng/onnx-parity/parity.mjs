// Scores a CsScoring model directory's model.onnx with ONNX Runtime for Node and compares the probabilities with
// the ones csscoring computed for the same rows (`csscoring predict --features-out FILE`).
//
//   node parity.mjs MODEL_DIR FEATURES_CSV [TOLERANCE]
//
// Exit code 0 when every probability agrees within TOLERANCE (default 1e-6; NaN only where csscoring gave NaN),
// 1 when one does not, 2 for bad input. Prints one JSON line with the figures.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';

const [modelDir, featuresPath, toleranceText] = process.argv.slice(2);
if (!modelDir || !featuresPath) {
  console.error('usage: node parity.mjs MODEL_DIR FEATURES_CSV [TOLERANCE]');
  process.exit(2);
}
const tolerance = toleranceText === undefined ? 1e-6 : Number(toleranceText);

// RFC 4180 CSV as csscoring writes it: comma-separated, double-quoted fields with "" for a quote.
function parseCsv(text) {
  const rows = [];
  let row = [], field = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field); rows.push(row); row = []; field = '';
    } else field += c;
  }
  if (field.length > 0 || row.length > 0) { row.push(field); rows.push(row); }
  return rows;
}

// A blank cell is a missing value (NaN), as csscoring writes it.
const number = (text) => (text === '' ? NaN : Number(text));

const manifest = JSON.parse(readFileSync(join(modelDir, 'manifest.json'), 'utf8'));
const onnxInfo = manifest.onnx;
if (!onnxInfo) {
  console.error(`${modelDir}/manifest.json names no ONNX model`);
  process.exit(2);
}
const onnxBytes = readFileSync(join(modelDir, onnxInfo.file));
const sha256 = createHash('sha256').update(onnxBytes).digest('hex');
if (sha256 !== onnxInfo.sha256) {
  console.error(`${onnxInfo.file}: SHA-256 ${sha256} differs from the manifest's ${onnxInfo.sha256}`);
  process.exit(2);
}

const session = await ort.InferenceSession.create(onnxBytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
const [header, ...rows] = parseCsv(readFileSync(featuresPath, 'utf8')).filter((r) => r.length > 1 || r[0] !== '');
const column = (name) => {
  const index = header.indexOf(name);
  if (index < 0) {
    console.error(`${featuresPath}: no column '${name}'`);
    process.exit(2);
  }
  return index;
};
const inputColumns = session.inputNames.map(column);
const probabilityColumn = column('probability');
const scoreColumn = column('score');

let maxProbability = 0, maxScore = 0, worst = -1;
const batch = 4096;
for (let start = 0; start < rows.length; start += batch) {
  const slice = rows.slice(start, start + batch);
  const feeds = {};
  session.inputNames.forEach((name, f) => {
    const values = Float32Array.from(slice, (r) => number(r[inputColumns[f]]));
    feeds[name] = new ort.Tensor('float32', values, [slice.length, 1]);
  });
  const results = await session.run(feeds);
  const probabilities = results.probability.data;
  const scores = results.score.data;
  slice.forEach((r, i) => {
    const expected = Math.fround(number(r[probabilityColumn]));
    const actual = probabilities[i];
    const difference = Object.is(expected, actual) ? 0 : Math.abs(actual - expected);
    const expectedScore = Math.fround(number(r[scoreColumn]));
    const scoreDifference = Object.is(expectedScore, scores[i]) ? 0 : Math.abs(scores[i] - expectedScore);
    if (!(difference <= maxProbability)) { maxProbability = difference; worst = start + i; }
    if (!(scoreDifference <= maxScore)) maxScore = scoreDifference;
  });
}

const summary = {
  model: modelDir,
  model_kind: manifest.model_kind,
  calibration: manifest.calibration.method,
  runtime: `onnxruntime-node ${ort.env.versions?.common ?? ''}`.trim(),
  rows: rows.length,
  inputs: session.inputNames.length,
  max_abs_probability_difference: maxProbability,
  max_abs_score_difference: maxScore,
  tolerance,
};
console.log(JSON.stringify(summary));
if (!(maxProbability <= tolerance) || rows.length === 0) {
  console.error(rows.length === 0 ? `${featuresPath} has no rows` : `row ${worst + 1}: |Δp| = ${maxProbability} exceeds ${tolerance}`);
  process.exit(1);
}
