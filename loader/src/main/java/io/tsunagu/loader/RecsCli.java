package io.tsunagu.loader;

import io.tsunagu.loader.feed.Feed;
import io.tsunagu.recs.Catalog;
import io.tsunagu.recs.Evaluation;
import io.tsunagu.recs.ModelBuilder;
import io.tsunagu.recs.Shopper;
import io.tsunagu.rules.profile.Event;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code tsunagu recs evaluate}: the offline quality report of the recommendation strategies on
 * purchase files read through an ordinary feeds file ({@link Evaluation}). Purchases are the rows of
 * the feeds whose event is {@code purchase}; a {@code catalog} feed's file, when given, supplies brands
 * and launch dates. Rows with a quantity of 0 or less, or a negative amount, are returns, not
 * purchases.
 */
public final class RecsCli {

    static final String USAGE = """
            usage: tsunagu recs evaluate --feeds FILE [--k 10] [--test-share 0.2] [--name NAME] DATA...
              DATA: CSV files, or directories of them, each matched to a feed by its file pattern""";

    private final PrintStream out;
    private final PrintStream err;

    RecsCli(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] argv) {
        System.exit(new RecsCli(System.out, System.err).run(argv));
    }

    int run(String[] argv) {
        if (argv.length == 0 || !argv[0].equals("evaluate")) {
            err.println(argv.length == 0 || argv[0].startsWith("-h") || argv[0].equals("help") ? USAGE
                    : "tsunagu recs: unknown command \"" + argv[0] + "\"\n" + USAGE);
            return 2;
        }
        Map<String, String> options = new HashMap<>();
        List<String> data = new ArrayList<>();
        for (int i = 1; i < argv.length; i++) {
            String a = argv[i];
            if (List.of("--feeds", "--k", "--test-share", "--name").contains(a)) {
                if (i + 1 >= argv.length) {
                    err.println("tsunagu recs: " + a + " needs a value\n" + USAGE);
                    return 2;
                }
                options.put(a.substring(2), argv[++i]);
            } else if (a.startsWith("--")) {
                err.println("tsunagu recs: unknown option " + a + "\n" + USAGE);
                return 2;
            } else {
                data.add(a);
            }
        }
        if (!options.containsKey("feeds") || data.isEmpty()) {
            err.println("tsunagu recs evaluate: give --feeds FILE and the data files\n" + USAGE);
            return 2;
        }
        try {
            int k = number(options.getOrDefault("k", "10"), "--k", 1, 100);
            double testShare = share(options.getOrDefault("test-share", "0.2"));
            Map<String, Feed> feeds = new LoaderCli(out, err, Map.of("TSUNAGU_FEEDS", options.get("feeds"))).feeds();
            return evaluate(feeds, files(data), k, testShare, options.getOrDefault("name", Path.of(options.get("feeds"))
                    .getFileName().toString()));
        } catch (LoaderCli.SetupException e) {
            err.println("tsunagu recs: " + e.getMessage());
            return 2;
        }
    }

    private int evaluate(Map<String, Feed> feeds, List<Path> files, int k, double testShare, String name)
            throws LoaderCli.SetupException {
        List<Evaluation.Purchase> purchases = new ArrayList<>();
        List<Catalog.Product> products = new ArrayList<>();
        ZoneId zone = null;
        boolean catalogGiven = false;
        for (Path file : files) {
            Feed feed = feeds.values().stream().filter(f -> f.matches(file)).findFirst().orElse(null);
            if (feed == null) {
                throw new LoaderCli.SetupException(file + " matches no feed's file pattern");
            }
            boolean isPurchase = feed.kind() == Feed.Kind.EVENTS && "purchase".equals(feed.event());
            if (!isPurchase && feed.kind() != Feed.Kind.CATALOG) {
                continue; // visits, calls, e-mails: not what recommendations learn from
            }
            if (isPurchase && zone == null) {
                zone = feed.time().zone();
            }
            catalogGiven |= feed.kind() == Feed.Kind.CATALOG;
            long bad = 0;
            long returns = 0;
            try (FeedFile in = new FeedFile(feed, file)) {
                for (FeedFile.Row row; (row = in.next()) != null;) {
                    if (row.bad()) {
                        bad++;
                    } else if (isPurchase) {
                        Event e = row.event();
                        if (Shopper.isReturn(e)) {
                            returns++;
                        } else if (e.prop("product_id") instanceof String item) {
                            purchases.add(new Evaluation.Purchase(row.id(), e.ts(), item, text(e.prop("brand")),
                                    text(e.prop("category"))));
                        }
                    } else {
                        Map<String, Object> fields = new LinkedHashMap<>();
                        fields.put("id", row.id());
                        fields.putAll(row.values());
                        Catalog.Product p = Catalog.product(fields);
                        if (p != null) {
                            products.add(p);
                        }
                    }
                }
            } catch (FeedFile.Rejected e) {
                throw new LoaderCli.SetupException(e.getMessage());
            } catch (IOException e) {
                throw new LoaderCli.SetupException("cannot read " + file + ": " + e.getMessage());
            }
            err.printf(Locale.ROOT, "%s (feed %s): %,d rows skipped as bad%s%n", file, feed.name(), bad,
                    isPurchase ? String.format(Locale.ROOT, ", %,d returns", returns) : "");
        }
        if (purchases.size() < 10) {
            throw new LoaderCli.SetupException("too few purchases to evaluate (" + purchases.size()
                    + "): give files of a feed whose event is purchase, with a product_id column");
        }
        ZoneId z = zone == null ? ZoneId.of("UTC") : zone;
        Evaluation.Report report = new Evaluation(z, k, testShare, ModelBuilder.Settings.DEFAULT)
                .run(name, purchases, catalogGiven ? new Catalog(products) : null);
        out.print(report.text(z));
        return 0;
    }

    private static String text(Object o) {
        return o instanceof String s && !s.isEmpty() ? s : null;
    }

    private static List<Path> files(List<String> data) throws LoaderCli.SetupException {
        List<Path> out = new ArrayList<>();
        for (String d : data) {
            Path p = Path.of(d);
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.list(p)) {
                    s.filter(Files::isRegularFile).filter(f -> f.getFileName().toString().endsWith(".csv")
                            || f.getFileName().toString().endsWith(".txt")).sorted().forEach(out::add);
                } catch (IOException e) {
                    throw new LoaderCli.SetupException("cannot list " + p + ": " + e.getMessage());
                }
            } else if (Files.isRegularFile(p)) {
                out.add(p);
            } else {
                throw new LoaderCli.SetupException("no file or directory " + p);
            }
        }
        return out;
    }

    private static int number(String text, String what, int min, int max) throws LoaderCli.SetupException {
        try {
            int n = Integer.parseInt(text);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new LoaderCli.SetupException(what + " takes a whole number from " + min + " to " + max);
    }

    private static double share(String text) throws LoaderCli.SetupException {
        try {
            double d = Double.parseDouble(text);
            if (d > 0 && d < 1) {
                return d;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new LoaderCli.SetupException("--test-share takes a number between 0 and 1, e.g. 0.2");
    }
}
