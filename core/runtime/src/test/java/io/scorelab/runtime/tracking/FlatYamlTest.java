package io.scorelab.runtime.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scorelab.api.ScorelabException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FlatYamlTest {

    @ParameterizedTest
    @ValueSource(strings = {"plain", "", "null", "~", "123", "-7", "yes", "- dash", ": colon", "#hash", "a: b",
        " leading and trailing ", "it's \"quoted\"", "back\\slash", "tab\there", "new\nline", "two\n\nbreaks",
        "bell\u0007 del\u007f nel\u0085 ls\u2028", "unicode é ✓ 😀", "[not a list]", "{x}", "&anchor", "*alias"})
    void rendersAnyStringSoThatItReadsBack(String value) {
        String text = new FlatYaml().put("name", value).put("number", 42L).render();

        FlatYaml read = FlatYaml.parse(text, "test");

        assertThat(read.string("name")).isEqualTo(value);
        assertThat(read.number("number")).isEqualTo(42L);
    }

    @Test
    void rendersSortedKeysNumbersNullAndEmptyList() {
        String text = new FlatYaml().put("tags", List.of()).put("end_time", null).put("status", 3L)
                .put("experiment_id", "0").render();

        assertThat(text).isEqualTo("end_time: null\nexperiment_id: \"0\"\nstatus: 3\ntags: []\n");
        FlatYaml read = FlatYaml.parse(text, "test");
        assertThat(read.string("end_time")).isNull();
        assertThat(read.number("end_time")).isNull();
        assertThat(read.string("experiment_id")).isEqualTo("0");
        assertThat(read.number("status")).isEqualTo(3L);
    }

    /** What PyYAML (MLflow's writer) makes of awkward experiment names. */
    @Test
    void readsWhatPyYamlWrites() {
        assertThat(name("experiment_id: '0'\nname: a very long experiment name that certainly goes past the eighty column limit\n"
                + "  of pyyaml emitter, yes\n"))
                .isEqualTo("a very long experiment name that certainly goes past the eighty column limit of pyyaml emitter, yes");
        assertThat(name("experiment_id: '0'\nname: it's a 'quoted' name that is also long enough to be folded by the emitter when\n"
                + "  it is written out ok\n"))
                .isEqualTo("it's a 'quoted' name that is also long enough to be folded by the emitter when it is written out ok");
        assertThat(name("experiment_id: '0'\nname: \"tab\\there and newline\\nthere and a unicode é ✓ and \\a bell that is long enough\\\n"
                + "  \\ to fold in pyyaml output\"\n"))
                .isEqualTo("tab\there and newline\nthere and a unicode é ✓ and \u0007 bell that is long enough to fold in pyyaml output");
        assertThat(name("experiment_id: '0'\nname: 'null'\n")).isEqualTo("null");
        assertThat(name("experiment_id: '0'\nname: ' leading space'\n")).isEqualTo(" leading space");
        assertThat(name("experiment_id: '0'\nname: 'a: b'\n")).isEqualTo("a: b");
        assertThat(name("experiment_id: '0'\nname: 😀 emoji\n")).isEqualTo("😀 emoji");
        assertThat(name("experiment_id: '0'\nname: 'multi\n\n\n  blank'\n")).isEqualTo("multi\n\nblank");
        assertThat(FlatYaml.parse("experiment_id: '0'\nname: x\n", "test").string("experiment_id")).isEqualTo("0");
    }

    @Test
    void skipsNestedValuesAndReadsLegacyNumbers() {
        FlatYaml read = FlatYaml.parse("experiment_id: 3\ntags:\n- key: a\n  value: b\nuser_id: me\n", "test");

        assertThat(read.string("experiment_id")).isEqualTo("3");
        assertThat(read.string("tags")).isNull();
        assertThat(read.string("user_id")).isEqualTo("me");
    }

    @Test
    void rejectsWhatIsNotAFlatMappingNamingTheFileAndLine() {
        assertThatThrownBy(() -> FlatYaml.parse("name: ok\nno colon here\n", "/x/meta.yaml"))
                .isInstanceOf(ScorelabException.class).hasMessageContaining("/x/meta.yaml:2");
        assertThatThrownBy(() -> FlatYaml.parse("name: \"unterminated\n", "/x/meta.yaml"))
                .isInstanceOf(ScorelabException.class).hasMessageContaining("unterminated");
        assertThatThrownBy(() -> FlatYaml.parse("name: 'a' b\n", "/x/meta.yaml"))
                .isInstanceOf(ScorelabException.class).hasMessageContaining("after the closing quote");
    }

    private static String name(String yaml) {
        return FlatYaml.parse(yaml, "test").string("name");
    }
}
