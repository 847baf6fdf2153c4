package dev.geoloc.trainer.numerics;

import java.io.PrintWriter;

import dev.geoloc.model.NumericsMismatchException;
import dev.geoloc.numerics.EngineSelfCheck;
import dev.geoloc.numerics.SelfCheckReport;
import picocli.CommandLine;

/**
 * The trainer's numerics policy in one place: a command that computes with libtorch starts with the process's
 * self-check (its verdict as the first lines on stderr) and does not run when it failed; a model that computes its
 * reference outputs wrong anywhere later ends the command with exit code 1 and the reason, never a stack trace.
 */
public final class NumericsGate implements CommandLine.IExecutionStrategy, CommandLine.IExecutionExceptionHandler {

    private final CommandLine.IExecutionStrategy next = new CommandLine.RunLast();

    /** Installs the gate on the root command line. */
    public static CommandLine install(CommandLine commandLine) {
        NumericsGate gate = new NumericsGate();
        return commandLine.setExecutionStrategy(gate).setExecutionExceptionHandler(gate);
    }

    @Override
    public int execute(CommandLine.ParseResult parseResult) {
        CommandLine.ParseResult command = parseResult;
        while (command.hasSubcommand()) {
            command = command.subcommand();
        }
        CommandLine commandLine = command.commandSpec().commandLine();
        boolean help = commandLine.isUsageHelpRequested() || commandLine.isVersionHelpRequested();
        if (!help && command.commandSpec().userObject() instanceof ComputesWithLibtorch) {
            PrintWriter err = commandLine.getErr();
            SelfCheckReport report;
            try {
                report = EngineSelfCheck.ensure();
            } catch (IllegalArgumentException e) { // GEOLOC_CPU_KERNELS is not a choice
                err.println(e.getMessage());
                err.flush();
                return 2;
            }
            report.lines().forEach(err::println);
            err.flush();
            if (!report.passed()) {
                err.println(commandLine.getCommandName() + " not run: this machine computes models wrong (above).");
                err.flush();
                return 1;
            }
        }
        return next.execute(parseResult);
    }

    @Override
    public int handleExecutionException(Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult)
            throws Exception {
        if (e instanceof NumericsMismatchException) {
            commandLine.getErr().println(commandLine.getCommandName() + " failed: " + e.getMessage());
            commandLine.getErr().flush();
            return 1;
        }
        throw e;
    }
}
