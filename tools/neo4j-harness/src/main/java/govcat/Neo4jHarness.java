package govcat;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.harness.Neo4j;
import org.neo4j.harness.Neo4jBuilders;

/**
 * Test-only launcher: an in-process Neo4j with Bolt on 127.0.0.1:&lt;port&gt;, auth disabled.
 *
 * <p>Usage: {@code java -cp ... govcat.Neo4jHarness <dataDir> <port>}. When the database is
 * ready, exactly one line {@code BOLT <uri>} is written to stdout; everything else (including
 * anything Neo4j itself prints) goes to stderr. The process stays up until stdin reaches EOF or
 * it receives SIGTERM/SIGINT, then closes the database and exits.
 */
public final class Neo4jHarness {

    private static final Object LOCK = new Object();
    private static Neo4j neo4j;
    private static boolean stopped;

    private Neo4jHarness() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: govcat.Neo4jHarness <dataDir> <port>");
            System.exit(2);
        }
        Path dataDir = Path.of(args[0]).toAbsolutePath();
        int port = Integer.parseInt(args[1]);
        Files.createDirectories(dataDir);

        // Keep stdout for the single protocol line; send all other output to stderr.
        PrintStream protocol = new PrintStream(
                new FileOutputStream(FileDescriptor.out), true,
                StandardCharsets.UTF_8);
        System.setOut(System.err);

        CountDownLatch stdinClosed = new CountDownLatch(1);
        Thread watcher = new Thread(() -> {
            drain(System.in);
            stdinClosed.countDown();
        }, "stdin-watcher");
        watcher.setDaemon(true);
        watcher.start();

        Runtime.getRuntime().addShutdownHook(new Thread(Neo4jHarness::stop, "neo4j-shutdown"));

        Neo4j started = Neo4jBuilders.newInProcessBuilder(dataDir)
                .withDisabledServer()
                .withConfig(BoltConnector.enabled, true)
                .withConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .withConfig(BoltConnector.advertised_address, new SocketAddress("127.0.0.1", port))
                .withConfig(GraphDatabaseSettings.auth_enabled, false)
                // Netty's default graceful-shutdown quiet period (per event loop group) made
                // close() take ~10 s; a test server has nothing to drain.
                .withConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                .build();
        synchronized (LOCK) {
            if (stopped) {
                // SIGTERM arrived while starting up.
                started.close();
                return;
            }
            neo4j = started;
        }

        protocol.println("BOLT " + started.boltURI());
        protocol.flush();

        stdinClosed.await();
        System.err.println("govcat.Neo4jHarness: stdin closed, shutting down");
        stop();
        System.exit(0);
    }

    private static void drain(InputStream in) {
        byte[] buf = new byte[1024];
        try {
            while (in.read(buf) >= 0) {
                // Ignore input; we only care about EOF.
            }
        } catch (IOException e) {
            // Treat a broken stdin like EOF.
        }
    }

    private static void stop() {
        synchronized (LOCK) {
            if (stopped) {
                return;
            }
            stopped = true;
            if (neo4j != null) {
                try {
                    neo4j.close();
                } catch (RuntimeException e) {
                    e.printStackTrace();
                }
                System.err.println("govcat.Neo4jHarness: stopped");
            }
        }
    }
}
