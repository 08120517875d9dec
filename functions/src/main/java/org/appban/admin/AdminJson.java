package org.appban.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.appban.lambda.Json;

/**
 * The admin reports' JSON: the functions' mapper, plus instants written as ISO-8601 text (the shared mapper has no
 * java.time support). Reports are converted to a tree with it, which the handler base then writes as it is.
 */
final class AdminJson {
    static final ObjectMapper MAPPER = Json.MAPPER.copy()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private AdminJson() {
    }
}
