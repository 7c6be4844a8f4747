package dev.nodewatch.exporters.http;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.xerial.snappy.Snappy;

/**
 * How a request body is compressed on the wire, and the {@code Content-Encoding} that says so. A sink writes its
 * body through {@link #wrap}, so the uncompressed body is never held whole (but for snappy, whose block format
 * compresses a whole body at once, as Loki and remote_write want it).
 */
public enum Compression {
  NONE(null) {
    @Override
    public OutputStream wrap(OutputStream out) {
      return out;
    }
  },
  GZIP("gzip") {
    @Override
    public OutputStream wrap(OutputStream out) throws IOException {
      return new FastGzip(out);
    }
  },
  ZSTD("zstd") {
    @Override
    public OutputStream wrap(OutputStream out) throws IOException {
      return new ZstdOutputStream(out, 1);
    }
  },
  /** Snappy's block format (not its framed stream): what Loki's and Prometheus's protobuf APIs take. */
  SNAPPY("snappy") {
    @Override
    public OutputStream wrap(OutputStream out) {
      return new SnappyBlock(out);
    }
  };

  private final String contentEncoding;

  Compression(String contentEncoding) {
    this.contentEncoding = contentEncoding;
  }

  /** Wraps {@code out}; closing the result finishes the compressed body and closes {@code out}. */
  public abstract OutputStream wrap(OutputStream out) throws IOException;

  /** The {@code Content-Encoding} header's value; null for none. */
  public String contentEncoding() {
    return contentEncoding;
  }

  /** The name as the config writes it. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The compression a config's word names (among {@code allowed}); null when it is none of them. */
  public static Compression named(String word, Compression... allowed) {
    return Arrays.stream(allowed).filter(c -> c.configName().equals(word)).findFirst().orElse(null);
  }

  /** gzip at its fastest level: a body is compressed once per send, on the sender's thread. */
  private static final class FastGzip extends GZIPOutputStream {
    FastGzip(OutputStream out) throws IOException {
      super(out, 64 * 1024);
      def.setLevel(Deflater.BEST_SPEED);
    }
  }

  private static final class SnappyBlock extends ByteArrayOutputStream {
    private final OutputStream out;
    private boolean closed;

    SnappyBlock(OutputStream out) {
      super(64 * 1024);
      this.out = out;
    }

    @Override
    public void close() throws IOException {
      if (!closed) {
        closed = true;
        try (out) {
          byte[] compressed = new byte[Snappy.maxCompressedLength(count)];
          out.write(compressed, 0, Snappy.compress(buf, 0, count, compressed, 0));
        }
      }
    }
  }
}
