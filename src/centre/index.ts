export * from './fold.js';
export * from './incident.js';
export * from './pairs.js';
export * from './report.js';
export * from './workflow.js';
