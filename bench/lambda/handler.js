// The hello-world handler both Archway (Lambda proxy route) and serverless-offline serve in
// `npm run bench`: CommonJS so that both load it the same way.
/* global module */
'use strict';

module.exports.hello = async () => ({
  statusCode: 200,
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify({ hello: 'world' }),
});
