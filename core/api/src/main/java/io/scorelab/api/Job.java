package io.scorelab.api;

import java.nio.file.Path;
import java.util.List;

/**
 * One run of a sweep.
 *
 * @param index the job's position in the sweep, from 0
 * @param overrides the command-line overrides that make this job, for example {@code [loss=ssm, seed=2]}
 * @param outputDirectory where the job writes its config, log, checkpoints and samples
 */
public record Job(int index, List<String> overrides, Path outputDirectory) {}
