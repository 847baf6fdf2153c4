package dev.geoloc.trainer.options;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Locale;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * {@code --output text|json}: lines for people, or one JSON document on standard output for scripts and CI. With
 * json, everything meant for people (headers, progress, where files went) goes to standard error instead, so that
 * standard output parses whole.
 */
public final class OutputOption {

    public enum Format { TEXT, JSON }

    @Option(names = "--output", defaultValue = "text", paramLabel = "FORMAT", converter = FormatConverter.class,
            description = "text (default): for people; json: one JSON document on standard output, the rest on "
                    + "standard error.")
    Format format;

    public boolean json() {
        return format == Format.JSON;
    }

    /** Where lines for people go: standard output for text, standard error for json. */
    public PrintWriter console(CommandSpec spec) {
        return json() ? spec.commandLine().getErr() : spec.commandLine().getOut();
    }

    /** As {@link #console(CommandSpec)}, for commands that write to the process's streams. */
    public PrintStream console() {
        return json() ? System.err : System.out;
    }

    /** Prints the document, indented, on standard output. */
    public static void print(PrintWriter out, Object document) {
        try {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(document));
            out.flush();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a document of plain values always serialises", e);
        }
    }

    /** text or json, in any case. */
    static final class FormatConverter implements ITypeConverter<Format> {
        @Override
        public Format convert(String value) {
            try {
                return Format.valueOf(value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException("expected text or json, not '" + value + "'");
            }
        }
    }
}
