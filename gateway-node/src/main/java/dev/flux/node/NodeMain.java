package dev.flux.node;

import dev.flux.node.config.NodeConfig;
import dev.flux.node.config.NodeConfigLoader;
import dev.flux.protocol.FluxVersion;
import dev.flux.protocol.config.ConfigException;
import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar gateway-node.jar --config node.toml}.
 *
 * <p>Exit codes: 0 stopped normally, 1 failed at run time (a port in use, an unreadable certificate),
 * 2 bad command line or configuration.
 */
public final class NodeMain {

    private NodeMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Path config = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "-c", "--config" -> {
                    if (i + 1 >= args.length) {
                        err.println("error: " + args[i] + " needs a file, e.g. --config node.toml");
                        return 2;
                    }
                    config = Path.of(args[++i]);
                }
                case "-V", "--version" -> {
                    out.println("gateway-node " + FluxVersion.product() + " (protocol " + FluxVersion.PROTOCOL + ")");
                    return 0;
                }
                case "-h", "--help" -> {
                    out.println("usage: java -jar gateway-node.jar --config node.toml");
                    out.println("Runs a FLUX Gateway node: standalone ([[tokens]] in the file) or with a control plane"
                            + " ([controlPlane]). See docs/configuration.md for every key.");
                    return 0;
                }
                default -> {
                    err.println("error: unknown argument '" + args[i] + "'; usage: java -jar gateway-node.jar"
                            + " --config node.toml");
                    return 2;
                }
            }
        }
        if (config == null) {
            err.println("error: no configuration given; usage: java -jar gateway-node.jar --config node.toml");
            return 2;
        }
        NodeConfig nodeConfig;
        try {
            nodeConfig = NodeConfigLoader.load(config);
        } catch (ConfigException e) {
            err.println("error: invalid configuration\n" + e.getMessage());
            return 2;
        }
        GatewayNode node;
        try {
            node = GatewayNode.start(nodeConfig);
        } catch (BindException e) {
            err.println("error: cannot listen: " + e.getMessage() + " (is another node or program using the port?)");
            return 1;
        } catch (IOException e) {
            err.println("error: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.close();
            stopped.countDown();
        }, "flux-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
