package io.scorelab.runtime.config;

import com.typesafe.config.ConfigOrigin;
import java.net.URL;

/** Says where a config value came from, for people: a group file and its jar, a file and line, or an override. */
public final class Origins {

    private Origins() {}

    /**
     * @param origin a value's origin
     * @return for example {@code scorelab/conf/loss/dsm.conf:2 in scorelab-losses-0.1.0.jar},
     *     {@code experiments/quickstart.conf:14}, {@code command-line override 'trainer.steps=9'}
     */
    public static String describe(ConfigOrigin origin) {
        if (origin == null) {
            return "(unknown)";
        }
        String line = origin.lineNumber() > 0 ? ":" + origin.lineNumber() : "";
        if (origin.filename() != null) {
            return origin.filename() + line;
        }
        URL url = origin.url();
        if (url != null) {
            String text = url.toString();
            int conf = text.indexOf(GroupFiles.ROOT);
            String resource = conf >= 0 ? text.substring(conf) : text;
            return resource + line + " in " + GroupFiles.container(url);
        }
        return origin.description().replaceFirst(": \\d+$", "");
    }
}
