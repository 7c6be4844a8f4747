package dev.nodewatch.exporters.http;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/** A server's answer: status, headers and body, the body's text for errors already free of the request's secrets. */
public record HttpReply(int status, MultiMap headers, Buffer body, String errorText) {

  /** How much of an error body is kept: enough for the server's message, not a page of HTML. */
  public static final int MAX_ERROR_BODY = 1024;

  public boolean ok() {
    return status >= 200 && status < 300;
  }

  public String header(String name) {
    return headers.get(name);
  }

  public String text() {
    return body.toString(StandardCharsets.UTF_8);
  }

  /** The body as an error's detail: secrets replaced, whitespace trimmed, cut to {@value #MAX_ERROR_BODY} chars. */
  static String errorText(Buffer body, AuthOptions.Credentials credentials) {
    // a bounded look: the cut happens after redaction, so a secret across the cut is not half shown
    int looked = Math.min(body.length(), 16 * MAX_ERROR_BODY);
    String text = credentials.redact(body.getString(0, looked, "UTF-8")).strip();
    if (text.length() > MAX_ERROR_BODY) {
      return text.substring(0, MAX_ERROR_BODY) + "… (" + body.length() + " bytes)";
    }
    return body.length() > looked ? text + "… (" + body.length() + " bytes)" : text;
  }
}
