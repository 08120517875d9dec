package org.appban.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;

/**
 * HTTPS in front of the emulator, for the cold-start bench: on Lambda every AWS call is HTTPS, so a function's
 * first call sets up the JVM's TLS (the default SSLContext, the CA certificates) before its handshake, 130-180 ms
 * of a cold JVM. The emulator speaks plain HTTP; measured through it, the baseline skips that cost while the
 * functions that also call an MDM or NAC over HTTPS pay it, and the comparison says more about the emulator than
 * the code. This terminates TLS on a loopback port with a throwaway certificate (made by the JDK's keytool, for
 * 127.0.0.1) and passes the bytes to the emulator; the function JVMs trust it through a trust store holding the
 * JDK's CA certificates plus this one, so their TLS set-up costs what the JDK's default does.
 */
final class TlsFront implements AutoCloseable {
    private static final char[] PASSWORD = "changeit".toCharArray();
    private final SSLServerSocket server;
    private final Path trustStore;
    private final Thread acceptor;

    private TlsFront(SSLServerSocket server, Path trustStore, URI backend) {
        this.server = server;
        this.trustStore = trustStore;
        this.acceptor = Thread.ofPlatform().daemon().name("tls-front").start(() -> accept(backend));
    }

    static TlsFront start(URI backend, Path work) throws IOException, InterruptedException, GeneralSecurityException {
        Path keyStore = work.resolve("tls-front.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-keystore", keyStore.toString(), "-storetype", "PKCS12",
                "-storepass", new String(PASSWORD), "-alias", "front", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1").redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IOException("keytool failed: " + output);
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            keys.load(in, PASSWORD);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, PASSWORD);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        SSLServerSocket server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        return new TlsFront(server, trustStore(keys.getCertificate("front"), work), backend);
    }

    /** The JDK's CA certificates and the front's: what the functions' JVMs load as their default trust store. */
    private static Path trustStore(Certificate front, Path work) throws IOException, GeneralSecurityException {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        Path cacerts = Path.of(System.getProperty("java.home"), "lib", "security", "cacerts");
        try (InputStream in = Files.newInputStream(cacerts)) {
            trust.load(in, PASSWORD);
        }
        trust.setCertificateEntry("appban-bench-" + UUID.randomUUID(), front);
        Path file = work.resolve("trust.p12");
        try (OutputStream out = Files.newOutputStream(file)) {
            trust.store(out, PASSWORD);
        }
        return file;
    }

    URI endpoint() {
        return URI.create("https://127.0.0.1:" + server.getLocalPort());
    }

    /** JVM options that make a JVM trust the front (and every CA the JDK trusts). */
    List<String> jvmOptions() {
        return List.of("-Djavax.net.ssl.trustStore=" + trustStore, "-Djavax.net.ssl.trustStoreType=PKCS12",
                "-Djavax.net.ssl.trustStorePassword=" + new String(PASSWORD));
    }

    private void accept(URI backend) {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;
            }
            Thread.ofPlatform().daemon().name("tls-front-conn").start(() -> relay(client, backend));
        }
    }

    /**
     * One client connection, kept alive as AWS endpoints keep theirs: each request goes to the emulator on a
     * connection of its own (moto answers every request with {@code Connection: close}; passed through, that would
     * cost the client a TLS handshake per call, which no function pays against AWS), and its answer comes back
     * without the close.
     */
    private static void relay(Socket client, URI backend) {
        try (client) {
            client.setTcpNoDelay(true);
            InputStream fromClient = new java.io.BufferedInputStream(client.getInputStream());
            OutputStream toClient = new java.io.BufferedOutputStream(client.getOutputStream());
            for (Head request; (request = Head.read(fromClient)) != null; ) {
                try (Socket upstream = new Socket(backend.getHost(), backend.getPort())) {
                    upstream.setTcpNoDelay(true);
                    OutputStream toEmulator = new java.io.BufferedOutputStream(upstream.getOutputStream());
                    InputStream fromEmulator = new java.io.BufferedInputStream(upstream.getInputStream());
                    if (request.expectsContinue()) {
                        toClient.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                        toClient.flush();
                    }
                    toEmulator.write(request.bytes(false));
                    request.copyBody(fromClient, toEmulator, false);
                    toEmulator.flush();
                    Head response = Head.read(fromEmulator);
                    if (response == null) return;
                    boolean delimited = response.delimited(request.method());
                    toClient.write(response.bytes(delimited));
                    if (delimited) response.copyBody(fromEmulator, toClient, request.method().equals("HEAD"));
                    else fromEmulator.transferTo(toClient);
                    toClient.flush();
                    if (!delimited) return;
                }
            }
        } catch (IOException e) {
            // The client went away (a JVM that finished): nothing to tell.
        }
    }

    /** The head of an HTTP/1.1 message: its start line and headers, as far as relaying it needs. */
    private record Head(String start, List<String[]> headers) {
        static Head read(InputStream in) throws IOException {
            String start = line(in);
            if (start == null) return null;
            List<String[]> headers = new java.util.ArrayList<>();
            for (String l; (l = line(in)) != null && !l.isEmpty(); ) {
                int colon = l.indexOf(':');
                if (colon > 0) headers.add(new String[] {l.substring(0, colon).trim(), l.substring(colon + 1).trim()});
            }
            return new Head(start, headers);
        }

        private static String line(InputStream in) throws IOException {
            StringBuilder b = new StringBuilder();
            for (int c; (c = in.read()) >= 0; ) {
                if (c == '\n') return b.toString();
                if (c != '\r') b.append((char) c);
            }
            return b.isEmpty() ? null : b.toString();
        }

        String header(String name) {
            for (String[] h : headers) if (h[0].equalsIgnoreCase(name)) return h[1];
            return null;
        }

        String method() {
            return start.split(" ", 2)[0];
        }

        boolean expectsContinue() {
            return "100-continue".equalsIgnoreCase(header("Expect"));
        }

        boolean chunked() {
            String te = header("Transfer-Encoding");
            return te != null && te.toLowerCase(java.util.Locale.ROOT).contains("chunked");
        }

        /** Whether the body's end is known without the connection closing (a length, chunks, or no body). */
        boolean delimited(String requestMethod) {
            int status = Integer.parseInt(start.split(" ")[1]);
            return header("Content-Length") != null || chunked() || requestMethod.equals("HEAD") || status == 204 || status == 304;
        }

        /** The head to send on: without Expect (answered here) and, when {@code keepAlive}, without Connection: close. */
        byte[] bytes(boolean keepAlive) {
            StringBuilder b = new StringBuilder(start).append("\r\n");
            for (String[] h : headers) {
                if (h[0].equalsIgnoreCase("Expect") || (keepAlive && h[0].equalsIgnoreCase("Connection"))) continue;
                b.append(h[0]).append(": ").append(h[1]).append("\r\n");
            }
            if (keepAlive) b.append("Connection: keep-alive\r\n");
            return b.append("\r\n").toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        }

        void copyBody(InputStream in, OutputStream out, boolean none) throws IOException {
            if (none) return;
            if (chunked()) {
                while (true) {
                    String size = line(in);
                    if (size == null) throw new java.io.EOFException("the stream ends inside a chunked body");
                    out.write((size + "\r\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                    long n = Long.parseLong(size.split(";", 2)[0].trim(), 16);
                    if (n == 0) {
                        for (String trailer; (trailer = line(in)) != null; ) {
                            out.write((trailer + "\r\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                            if (trailer.isEmpty()) break;
                        }
                        return;
                    }
                    copy(in, out, n);
                    out.write((line(in) + "\r\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                }
            }
            String length = header("Content-Length");
            if (length != null) copy(in, out, Long.parseLong(length));
        }

        private static void copy(InputStream in, OutputStream out, long n) throws IOException {
            byte[] buffer = new byte[16 * 1024];
            while (n > 0) {
                int r = in.read(buffer, 0, (int) Math.min(buffer.length, n));
                if (r < 0) throw new java.io.EOFException(n + " bytes of a body missing");
                out.write(buffer, 0, r);
                n -= r;
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        acceptor.interrupt();
    }
}
