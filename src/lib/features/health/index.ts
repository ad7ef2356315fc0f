// The run's health checks as the panel lists them.
export { healthLines, selfCheckLines, type SelfCheck } from './health-view';
