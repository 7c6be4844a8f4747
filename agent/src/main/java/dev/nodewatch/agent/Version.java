package dev.nodewatch.agent;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The agent's version, stamped into the jar at build time. */
final class Version {

  private Version() {}

  static String current() {
    try (InputStream in = Version.class.getClassLoader().getResourceAsStream("nodewatch-version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}
