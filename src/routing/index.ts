export { RestRouter, type RouteDefinition } from './rest-router.js';
