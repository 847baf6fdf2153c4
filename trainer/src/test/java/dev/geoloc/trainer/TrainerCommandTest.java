package dev.geoloc.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;

class TrainerCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine command = TrainerCommand.commandLine();
        command.setOut(new PrintWriter(out));
        command.setErr(new PrintWriter(err));
        return command.execute(args);
    }

    @Test
    void helpAndVersionSucceed() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("Usage: geoloc-trainer");
        assertThat(run("--version")).isZero();
        assertThat(out.toString()).containsPattern("geoloc-trainer \\d+\\.\\d+\\.\\d+");
    }

    @Test
    void wrongUsageExitsWithTwoAndSaysWhy() {
        assertThat(run()).isEqualTo(2);
        assertThat(err.toString()).contains("Missing command");
        assertThat(run("--bogus")).isEqualTo(2);
        assertThat(err.toString()).contains("Unknown option: '--bogus'");
    }
}
