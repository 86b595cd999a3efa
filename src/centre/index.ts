export * from './fold.js';
export * from './incident.js';
export * from './pairs.js';
export * from './workflow.js';
