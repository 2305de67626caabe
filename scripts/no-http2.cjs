// Stands in for undici's HTTP/2 client in the bundle: the action never offers h2 (allowH2 is
// off), and loading node:http2 would cost every start ~15 ms.
module.exports = function connectH2() {
  throw new Error('HTTP/2 is not used by this action');
};
