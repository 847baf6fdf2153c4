package dev.geoloc.trainer.collect;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;

/**
 * The collector's memory across runs: every metadata lookup appended as one JSON line and forced to disk
 * before its images are fetched. A resumed run reads it back to skip the points already tried, keep the
 * panoramas already taken, and finish the downloads a crash cut short. A line torn by a crash (no final
 * newline) is dropped: that lookup is simply made again, and metadata is free.
 *
 * <p>The file is locked while open, so two collectors cannot write to one directory.
 */
public final class CollectionJournal implements AutoCloseable {

    public static final String FILE_NAME = "collect-journal.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private final List<Attempt> attempts;

    private CollectionJournal(Path file, FileChannel channel, FileLock lock, List<Attempt> attempts) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
        this.attempts = attempts;
    }

    /** Opens (or creates) the journal in {@code directory} and reads what earlier runs wrote. */
    public static CollectionJournal open(Path directory) throws IOException {
        Files.createDirectories(directory);
        Path file = directory.resolve(FILE_NAME);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held by this very JVM
            }
            if (lock == null) {
                throw new IOException("Another collector is writing to " + directory + " (" + file + " is locked)");
            }
            byte[] content = Channels.newInputStream(channel).readAllBytes();
            int end = lastNewline(content) + 1;
            channel.truncate(end);
            channel.position(end);
            List<Attempt> attempts = parse(new String(content, 0, end, StandardCharsets.UTF_8), file);
            return new CollectionJournal(file, channel, lock, new ArrayList<>(attempts));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Every attempt so far, earlier runs first. */
    public List<Attempt> attempts() {
        return Collections.unmodifiableList(attempts);
    }

    /** Appends the attempt and forces it to disk. */
    public void append(Attempt attempt) throws IOException {
        byte[] line = (JSON.writeValueAsString(attempt) + "\n").getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.wrap(line);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        channel.force(false);
        attempts.add(attempt);
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }

    private static List<Attempt> parse(String text, Path file) throws IOException {
        List<Attempt> attempts = new ArrayList<>();
        String[] lines = text.split("\n");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            try {
                attempts.add(JSON.readValue(lines[i], Attempt.class));
            } catch (JsonProcessingException e) {
                throw new IOException(file + " line " + (i + 1) + " is not a journal record: " + e.getOriginalMessage());
            }
        }
        return attempts;
    }

    private static int lastNewline(byte[] content) {
        for (int i = content.length - 1; i >= 0; i--) {
            if (content[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    @Override
    public String toString() {
        return "CollectionJournal[" + file + ", " + attempts.size() + " attempts]";
    }
}
