// The run's health checks as the panel lists them.
export { healthLines } from './health-view';
