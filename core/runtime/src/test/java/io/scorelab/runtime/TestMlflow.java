package io.scorelab.runtime;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * What scripts/test.sh gives the integration tests: the URI of the real MLflow server it started and
 * the Python with mlflow installed. Missing, a test fails: integration tests are never skipped.
 */
public final class TestMlflow {

    private static final String URI_ENV = "SCORELAB_TEST_MLFLOW_URI";
    private static final String PYTHON_ENV = "SCORELAB_TEST_PYTHON";

    private TestMlflow() {}

    /** @return the test server's URI */
    public static String serverUri() {
        return required(URI_ENV, "starts an MLflow server and sets it (or start one and set " + URI_ENV
                + "=http://127.0.0.1:<port>)");
    }

    /** @return a python with mlflow installed */
    public static String python() {
        return required(PYTHON_ENV, "creates a Python environment with mlflow and sets it");
    }

    private static String required(String variable, String what) {
        String value = System.getenv(variable);
        if (value == null || value.isBlank()) {
            fail(variable + " is not set: run the tests with ./scripts/test.sh, which " + what);
        }
        return value;
    }
}
