package io.sift.spark;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Runs the {@code sift} command: a plan on the driver, a query per task. Its standard error is
 * kept (the first 64 KiB) for the message when it fails.
 */
final class SiftProcess implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final int ERROR_LIMIT = 64 << 10;

    final Process process;
    private final List<String> command;
    private final ByteArrayOutputStream errors = new ByteArrayOutputStream();
    private final Thread errorReader;

    private SiftProcess(String bin, List<String> args, byte[] input) {
        command = new ArrayList<>();
        command.add(bin);
        command.addAll(args);
        try {
            process = new ProcessBuilder(command).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run the sift command '" + bin + "' (set the sift_bin option, spark.sift.bin or "
                    + "SIFT_BIN to its path on every node): " + e.getMessage(), e);
        }
        errorReader = new Thread(() -> drain(process.getErrorStream()), "sift stderr");
        errorReader.setDaemon(true);
        errorReader.start();
        try (OutputStream stdin = process.getOutputStream()) {
            if (input != null) stdin.write(input);
        } catch (IOException e) {
            // The command exited before reading its input; its exit status says why.
        }
    }

    /** Starts {@code bin args}, writes {@code input} to its standard input and closes it. */
    static SiftProcess start(String bin, List<String> args, byte[] input) {
        return new SiftProcess(bin, args, input);
    }

    /** Runs {@code bin args} to its end and parses its standard output as JSON. */
    static JsonNode run(String bin, List<String> args) {
        try (SiftProcess p = start(bin, args, null)) {
            return JSON.readTree(p.output());
        } catch (IOException e) {
            throw new UncheckedIOException("sift " + String.join(" ", args) + ": " + e.getMessage(), e);
        }
    }

    /** The command's whole standard output, once it ended well (else its failure). */
    byte[] output() throws IOException {
        byte[] out = process.getInputStream().readAllBytes();
        finish();
        return out;
    }

    private void drain(InputStream stream) {
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = stream.read(buffer)) > 0; ) {
                synchronized (errors) {
                    if (errors.size() < ERROR_LIMIT) errors.write(buffer, 0, Math.min(n, ERROR_LIMIT - errors.size()));
                }
            }
        } catch (IOException ignored) {
            // the process is gone
        }
    }

    /** Waits for the command; a failure becomes an exception with its message. */
    void finish() throws IOException {
        int status;
        try {
            status = process.waitFor();
            errorReader.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for " + String.join(" ", command), e);
        }
        if (status != 0) {
            String message;
            synchronized (errors) {
                message = errors.toString(java.nio.charset.StandardCharsets.UTF_8).trim();
            }
            throw new IOException(String.join(" ", command) + " exited with status " + status + ": " + message);
        }
    }

    /**
     * After {@code broken} cut its output short: waits for the command and throws its failure
     * (with the stream's error attached), or returns when it succeeded.
     */
    void finishAfter(Exception broken) throws IOException {
        try {
            finish();
        } catch (IOException failed) {
            failed.addSuppressed(broken);
            throw failed;
        }
    }

    /** Stops the command if it is still running (a task that stopped reading early). */
    @Override
    public void close() {
        if (process.isAlive()) process.destroy();
    }
}
