package dev.geoloc.stack;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives test methods, constructors and {@code @BeforeAll} methods a {@link StreamingStack} parameter: the one
 * stack of this test run, started on first use.
 *
 * <pre>{@code
 * @ExtendWith(StreamingStackExtension.class)
 * class SomethingTest {
 *     @Test
 *     void works(StreamingStack stack) { ... stack.bootstrapServers() ... }
 * }
 * }</pre>
 */
public final class StreamingStackExtension implements ParameterResolver {

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == StreamingStack.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return LocalStreamingStack.shared();
    }
}
