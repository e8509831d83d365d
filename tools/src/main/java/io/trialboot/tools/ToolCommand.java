package io.trialboot.tools;

import picocli.CommandLine;

/**
 * What every {@code trialboot} subcommand has: {@code -h}/{@code --help}, and its picocli spec
 * (where its output goes, and what a usage error names).
 */
abstract class ToolCommand {
    @CommandLine.Mixin
    TrialbootTool.HelpOption help;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** A command that only groups subcommands: run alone, it prints its usage. */
    abstract static class Group extends ToolCommand implements Runnable {
        @Override
        public void run() {
            spec.commandLine().usage(spec.commandLine().getOut());
        }
    }
}
