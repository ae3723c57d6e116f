// A wait = yes stream test server: takes the listening socket on fd 0, accepts one
// connection itself, writes its pid, the client's first line and its own arguments
// back, and exits.
import net from 'node:net';

const server = net.createServer((socket) => {
  socket.once('data', (chunk) => {
    socket.end(`pid=${process.pid} got=${chunk.toString().trim()} args=${process.argv.slice(2).join(',')}\n`, () => process.exit(0));
  });
});
server.listen({ fd: 0 });
