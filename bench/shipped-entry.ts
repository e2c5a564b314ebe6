// What the benchmarks time, bundled as one module by bench/shipped.ts.
export { analyze, analyzeFindings, checkNote, parse } from '../src/core/index';
export { renderMermaid } from '../src/core/render/mermaid';
export { exportSegments } from '../src/core/export';
export { importCapture, importCaptureAsync } from '../src/core/import/capture';
export { CaptureReader } from '../src/core/import/pcap';
export { writePcap } from '../src/core/import/pcapwrite';
