package io.scorelab.runtime.sweep;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import io.scorelab.api.ScorelabException;
import io.scorelab.runtime.config.ConfigComposer;
import io.scorelab.runtime.config.SweepOverride;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The jobs of a multirun: the cartesian product of the swept keys, the first key varying slowest
 * (as Hydra's basic sweeper orders them). The experiment file's {@code sweep} block gives the
 * first keys; a command-line override of the same key replaces the block's values, and other
 * command-line overrides follow in their order.
 *
 * <pre>
 *   sweep { loss = [dsm, ncsn] }  +  seed=0,1 trainer.steps=20
 *   -> [loss=dsm seed=0 trainer.steps=20], [loss=dsm seed=1 ...], [loss=ncsn seed=0 ...], [loss=ncsn seed=1 ...]
 * </pre>
 *
 * @param axes the overrides in order, each with its values
 * @param jobs the overrides of each job
 */
public record SweepPlan(List<SweepOverride> axes, List<List<String>> jobs) {

    /** The most jobs one sweep may have. */
    public static final int MAX_JOBS = 10_000;

    /**
     * @param experimentFile the experiment file, whose {@code sweep} block is read
     * @param overrides the command-line overrides, as typed after {@code -m}
     * @return the plan
     * @throws ScorelabException for a malformed override or sweep entry, or too many jobs
     */
    public static SweepPlan of(Path experimentFile, List<String> overrides) {
        Map<String, SweepOverride> axes = new LinkedHashMap<>();
        Config block = ConfigComposer.sweepBlock(experimentFile);
        collect(block.root(), "", axes);
        for (String text : overrides) {
            SweepOverride override = SweepOverride.parse(text);
            axes.remove(override.key() + "#command-line"); // the same key twice: the later wins, in its place
            if (axes.containsKey(override.key())) {
                axes.put(override.key(), override); // replaces the sweep block's entry, in its place
            } else {
                axes.put(override.key() + "#command-line", override);
            }
        }
        List<SweepOverride> ordered = List.copyOf(axes.values());
        long count = 1;
        for (SweepOverride axis : ordered) {
            count *= axis.overrides().size();
            if (count > MAX_JOBS) {
                throw new ScorelabException("the sweep has more than " + MAX_JOBS + " jobs; sweep over fewer values");
            }
        }
        List<List<String>> jobs = new ArrayList<>();
        jobs.add(List.of());
        for (SweepOverride axis : ordered) {
            List<List<String>> next = new ArrayList<>();
            for (List<String> job : jobs) {
                for (String value : axis.overrides()) {
                    List<String> extended = new ArrayList<>(job);
                    extended.add(value);
                    next.add(List.copyOf(extended));
                }
            }
            jobs = next;
        }
        return new SweepPlan(ordered, List.copyOf(jobs));
    }

    private static void collect(ConfigObject object, String prefix, Map<String, SweepOverride> axes) {
        for (Map.Entry<String, ConfigValue> entry : object.entrySet()) {
            String key = prefix + entry.getKey();
            if (entry.getValue() instanceof ConfigObject child) {
                collect(child, key + ".", axes);
            } else {
                SweepOverride axis = SweepOverride.fromFile(key, entry.getValue());
                axes.put(axis.key(), axis);
            }
        }
    }

    /** @return the swept keys (those with several values, or a function) with their values: {@code loss -> [dsm, ncsn]} */
    public Map<String, List<String>> definition() {
        Map<String, List<String>> definition = new LinkedHashMap<>();
        for (SweepOverride axis : axes) {
            if (axis.swept()) {
                definition.put(axis.key(), axis.overrides().stream().map(o -> o.substring(o.indexOf('=') + 1)).toList());
            }
        }
        return definition;
    }
}
