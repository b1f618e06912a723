package io.tsunagu.loader;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * {@code loader demo-data DIR}: a synthetic retailer's nightly exports, in the formats real ones come
 * in — the CRM customer master (UTF-8 with a byte order mark), the product catalog, two years of POS
 * receipts from five stores (Shift_JIS, CRLF, Tokyo time), store check-ins and reservations,
 * call-centre logs (Shift_JIS), e-mail sends and opens, NPS answers — and the feeds file that reads
 * them. Deterministic for a seed and a day.
 *
 * <p>Customers have a home store, two favourite brands and a buying rhythm that grows with their
 * rank, so that segments, store coupons and same-brand recommendations have something to find. Each
 * product has a companion (same brand, a matching category: a knit with its pants) that is often on
 * the same receipt, so that bought-together recommendations have real complements to find.
 */
public final class DemoDataGenerator {

    static final Charset SJIS = Charset.forName("windows-31j");
    static final ZoneId TOKYO = ZoneId.of("Asia/Tokyo");

    record Store(String code, String name) {
    }

    static final List<Store> STORES = List.of(new Store("shibuya", "渋谷店"), new Store("ginza", "銀座店"),
            new Store("umeda", "梅田店"), new Store("sapporo", "札幌店"), new Store("hakata", "博多店"));
    static final List<String> BRANDS = List.of("kumo", "hoshi", "nami", "sora", "yama", "kaze");
    static final List<String> BRAND_NAMES = List.of("クモ", "ホシ", "ナミ", "ソラ", "ヤマ", "カゼ");
    static final List<String> CATEGORIES = List.of("shirts", "knit", "pants", "outerwear", "shoes", "bags", "accessories");
    static final List<String> CATEGORY_NAMES = List.of("シャツ", "ニット", "パンツ", "アウター", "シューズ", "バッグ", "小物");
    static final List<String> PREFS = List.of("東京都", "神奈川県", "大阪府", "北海道", "福岡県", "愛知県");
    static final List<String> CALL_REASONS = List.of("サイズ交換", "返品", "配送状況", "会員情報の変更", "商品の問い合わせ");

    private final Path dir;
    private final int customers;
    private final LocalDate today;
    private final Random random;
    private final String stamp;

    public DemoDataGenerator(Path dir, int customers, LocalDate today, long seed) {
        this.dir = dir;
        this.customers = customers;
        this.today = today;
        this.random = new Random(seed);
        this.stamp = today.format(DateTimeFormatter.BASIC_ISO_DATE);
    }

    record Product(String id, String brand, String category, int price, LocalDate launched) {
    }

    record Customer(String id, String rank, int homeStore, int[] brands, boolean emailOptIn) {
    }

    /** Writes the files; returns their paths (the feeds file first). */
    public List<Path> write() throws IOException {
        Files.createDirectories(dir);
        List<Path> files = new ArrayList<>();
        files.add(feeds());
        List<Product> products = products(600);
        files.add(catalog(products));
        List<Customer> people = customers();
        files.add(customerMaster(people));
        files.addAll(history(people, products));
        files.add(couponCodes(500));
        return files;
    }

    /** Unique one-time codes for the VIP thank-you coupon (examples/rules: vip-thanks-code). */
    private Path couponCodes(int n) throws IOException {
        Path p = dir.resolve("vip_codes_" + stamp + ".csv");
        try (Writer w = writer(p, StandardCharsets.UTF_8, false)) {
            w.write("code\n");
            for (int i = 0; i < n; i++) {
                w.write(String.format(Locale.ROOT, "VIP-%s-%04d-%04d%n", stamp, i + 1, random.nextInt(10_000)));
            }
        }
        return p;
    }

    private Path feeds() throws IOException {
        Path p = dir.resolve("feeds.yaml");
        Files.writeString(p, """
                # Feeds of the demo retailer's nightly exports (written by: tsunagu loader demo-data).
                feeds:
                  customers:
                    kind: attributes
                    file: "customers_*.csv"
                    id: member_id
                    columns:
                      first_name:     { from: first_name }
                      member_rank:    { from: rank }
                      birth_year:     { from: birth_year, type: int }
                      region:         { from: pref }
                      home_store:     { from: home_store }
                      joined_on:      { from: joined_on, type: date }
                      email_opt_in:   { from: email_opt_in, type: bool }
                  catalog:
                    kind: catalog
                    file: "products_*.csv"
                    id: product_id
                  pos:
                    kind: events
                    event: purchase
                    file: "pos_*.csv"
                    encoding: Shift_JIS
                    id: member_id
                    time: { from: purchased_at, format: "yyyy/MM/dd HH:mm:ss", zone: Asia/Tokyo }
                    key: [receipt_no, line_no]
                    columns:
                      channel:    { value: store }
                      store_id:   { from: store_code }
                      product_id: { from: item_code }
                      brand:      { from: brand }
                      category:   { from: category }
                      quantity:   { from: qty, type: int }
                      amount:     { from: amount, type: decimal }
                    max_bad_rows: 0.1%
                  visits:
                    kind: events
                    event: store_visit
                    file: "visits_*.csv"
                    id: member_id
                    time: { from: visited_at, format: "yyyy-MM-dd HH:mm", zone: Asia/Tokyo }
                    key: visit_id
                    columns:
                      store_id: { from: store_code }
                      kind:     { from: kind }
                  calls:
                    kind: events
                    event: call
                    file: "calls_*.csv"
                    encoding: Shift_JIS
                    id: member_id
                    time: { from: called_at, format: "yyyy/MM/dd HH:mm:ss", zone: Asia/Tokyo }
                    key: call_id
                    columns:
                      reason:     { from: reason }
                      duration_s: { from: duration_s, type: int }
                  email_sends:
                    kind: events
                    event: email_sent
                    file: "email_sends_*.csv"
                    id: member_id
                    time: { from: sent_at, zone: Asia/Tokyo }
                    key: message_id
                    columns:
                      campaign: { from: campaign }
                  email_opens:
                    kind: events
                    event: email_open
                    file: "email_opens_*.csv"
                    id: member_id
                    time: { from: opened_at, zone: Asia/Tokyo }
                    key: message_id
                    columns:
                      campaign: { from: campaign }
                  nps:
                    kind: events
                    event: survey
                    file: "nps_*.csv"
                    id: member_id
                    time: { from: answered_at, type: timestamp, zone: Asia/Tokyo }
                    key: response_id
                    columns:
                      survey:  { value: nps }
                      score:   { from: score, type: int }
                      comment: { from: comment }
                  vip_codes:
                    kind: coupons
                    pool: vip_thanks
                    file: "vip_codes_*.csv"
                    id: code
                """);
        return p;
    }

    private List<Product> products(int n) {
        List<Product> out = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
            int b = random.nextInt(BRANDS.size());
            int c = random.nextInt(CATEGORIES.size());
            int price = (29 + random.nextInt(300)) * 100;
            // Skewed to recent launches, with a few new arrivals in the last month.
            LocalDate launched = today.minusDays((long) (730 * Math.pow(random.nextDouble(), 1.5)));
            out.add(new Product(String.format(Locale.ROOT, "P-%04d", i), BRANDS.get(b), CATEGORIES.get(c), price, launched));
        }
        return out;
    }

    private Path catalog(List<Product> products) throws IOException {
        Path p = dir.resolve("products_" + stamp + ".csv");
        try (Writer w = writer(p, StandardCharsets.UTF_8, false)) {
            w.write("product_id,name,brand,category,price,launched_at,url,image\n");
            for (Product x : products) {
                String name = BRAND_NAMES.get(BRANDS.indexOf(x.brand())) + " " + CATEGORY_NAMES.get(CATEGORIES.indexOf(x.category()))
                        + " " + x.id().substring(2);
                w.write(x.id() + "," + name + "," + x.brand() + "," + x.category() + "," + x.price() + "," + x.launched()
                        + ",/demo/products/" + x.id() + ",/demo/img/" + x.category() + ".svg\n");
            }
        }
        return p;
    }

    private List<Customer> customers() {
        List<Customer> out = new ArrayList<>(customers);
        for (int i = 0; i < customers; i++) {
            double r = random.nextDouble();
            String rank = r < 0.03 ? "platinum" : r < 0.15 ? "gold" : r < 0.40 ? "silver" : "bronze";
            int first = random.nextInt(BRANDS.size());
            int second = (first + 1 + random.nextInt(BRANDS.size() - 1)) % BRANDS.size();
            out.add(new Customer(String.format(Locale.ROOT, "M-%06d", 100_001 + i), rank, random.nextInt(STORES.size()),
                    new int[] {first, second}, random.nextDouble() < 0.7));
        }
        return out;
    }

    private static final List<String> FIRST_NAMES = List.of("Aiko", "Haruto", "Yui", "Sota", "Mei", "Ren", "Hina",
            "Yuto", "Sakura", "Kenji", "Emi", "Daiki", "Nao", "Riku", "Mio");

    private Path customerMaster(List<Customer> people) throws IOException {
        Path p = dir.resolve("customers_" + stamp + ".csv");
        try (Writer w = writer(p, StandardCharsets.UTF_8, true)) {
            w.write("member_id,first_name,rank,birth_year,pref,home_store,joined_on,email_opt_in\n");
            for (Customer c : people) {
                w.write(c.id() + "," + FIRST_NAMES.get(random.nextInt(FIRST_NAMES.size())) + "," + c.rank() + ","
                        + (1950 + random.nextInt(56)) + "," + PREFS.get(random.nextInt(PREFS.size())) + ","
                        + STORES.get(c.homeStore()).code() + "," + today.minusDays(30 + random.nextInt(3000)) + ","
                        + (c.emailOptIn() ? "1" : "0") + "\n");
            }
        }
        return p;
    }

    private List<Path> history(List<Customer> people, List<Product> products) throws IOException {
        Path pos = dir.resolve("pos_" + stamp + ".csv");
        Path visits = dir.resolve("visits_" + stamp + ".csv");
        Path calls = dir.resolve("calls_" + stamp + ".csv");
        Path sends = dir.resolve("email_sends_" + stamp + ".csv");
        Path opens = dir.resolve("email_opens_" + stamp + ".csv");
        Path nps = dir.resolve("nps_" + stamp + ".csv");
        DateTimeFormatter posTime = DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm:ss");
        DateTimeFormatter visitTime = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");
        DateTimeFormatter iso = DateTimeFormatter.ISO_LOCAL_DATE_TIME;
        LocalDate start = today.minusYears(2);
        long receipt = 1;
        long visit = 1;
        long call = 1;
        long message = 1;
        long response = 1;
        try (Writer wp = writer(pos, SJIS, false); Writer wv = writer(visits, StandardCharsets.UTF_8, false);
                Writer wc = writer(calls, SJIS, false); Writer ws = writer(sends, StandardCharsets.UTF_8, false);
                Writer wo = writer(opens, StandardCharsets.UTF_8, false); Writer wn = writer(nps, StandardCharsets.UTF_8, false)) {
            wp.write("receipt_no,line_no,member_id,purchased_at,store_code,store_name,item_code,item_name,brand,category,qty,amount\r\n");
            wv.write("visit_id,member_id,visited_at,store_code,kind\n");
            wc.write("call_id,member_id,called_at,reason,duration_s\r\n");
            ws.write("message_id,member_id,sent_at,campaign\n");
            wo.write("message_id,member_id,opened_at,campaign\n");
            wn.write("response_id,member_id,answered_at,score,comment\n");
            for (Customer c : people) {
                double perYear = switch (c.rank()) {
                    case "platinum" -> 14;
                    case "gold" -> 8;
                    case "silver" -> 4;
                    default -> 1.5;
                };
                int trips = poisson(perYear * 2);
                for (int t = 0; t < trips; t++) {
                    LocalDateTime at = start.plusDays(random.nextInt(730)).atTime(10 + random.nextInt(10), random.nextInt(60),
                            random.nextInt(60));
                    int store = random.nextDouble() < 0.8 ? c.homeStore() : random.nextInt(STORES.size());
                    Store s = STORES.get(store);
                    wv.write("VS" + visit++ + "," + c.id() + "," + at.minusMinutes(20).format(visitTime) + "," + s.code()
                            + ",checkin\n");
                    int lines = 1 + (random.nextDouble() < 0.4 ? 1 : 0) + (random.nextDouble() < 0.15 ? 1 : 0);
                    String receiptNo = String.format(Locale.ROOT, "R%08d", receipt++);
                    Product first = null;
                    for (int l = 1; l <= lines; l++) {
                        Product x = first != null && random.nextDouble() < 0.6 ? companion(products, first) : pick(products, c);
                        first = first == null ? x : first;
                        int qty = random.nextDouble() < 0.9 ? 1 : 2;
                        String name = BRAND_NAMES.get(BRANDS.indexOf(x.brand())) + " "
                                + CATEGORY_NAMES.get(CATEGORIES.indexOf(x.category()));
                        wp.write(receiptNo + "," + l + "," + c.id() + "," + at.format(posTime) + "," + s.code() + ","
                                + s.name() + "," + x.id() + "," + name + "," + x.brand() + "," + x.category() + "," + qty
                                + "," + x.price() * qty + "\r\n");
                    }
                }
                // Reservations and visits without a purchase.
                for (int v = poisson(perYear / 2); v > 0; v--) {
                    LocalDateTime at = start.plusDays(random.nextInt(730)).atTime(11 + random.nextInt(8), 0);
                    wv.write("VS" + visit++ + "," + c.id() + "," + at.format(visitTime) + ","
                            + STORES.get(c.homeStore()).code() + "," + (random.nextBoolean() ? "reservation" : "checkin") + "\n");
                }
                if (random.nextDouble() < 0.1) {
                    for (int k = 1 + random.nextInt(3); k > 0; k--) {
                        LocalDateTime at = start.plusDays(random.nextInt(730)).atTime(9 + random.nextInt(9), random.nextInt(60));
                        wc.write("C" + call++ + "," + c.id() + "," + at.format(posTime) + ","
                                + CALL_REASONS.get(random.nextInt(CALL_REASONS.size())) + "," + (60 + random.nextInt(900)) + "\r\n");
                    }
                }
                if (c.emailOptIn()) {
                    for (int month = 0; month < 24; month++) {
                        LocalDateTime at = start.plusMonths(month).withDayOfMonth(5).atTime(9, 0);
                        String campaign = "newsletter-" + at.toLocalDate().toString().substring(0, 7);
                        String id = "E" + message++;
                        ws.write(id + "," + c.id() + "," + at.format(iso) + "," + campaign + "\n");
                        if (random.nextDouble() < 0.3) {
                            wo.write(id + "," + c.id() + "," + at.plusHours(1 + random.nextInt(48)).format(iso) + ","
                                    + campaign + "\n");
                        }
                    }
                }
                if (random.nextDouble() < 0.2) {
                    int score = Math.min(10, Math.max(0, (int) Math.round(7 + random.nextGaussian() * 2.5)));
                    wn.write("N" + response++ + "," + c.id() + ","
                            + start.plusDays(random.nextInt(730)).atTime(20, 0).format(iso) + "," + score + ","
                            + (score >= 9 ? "\"Great staff, will come again\"" : score <= 4 ? "\"Sizes ran out, again\"" : "")
                            + "\n");
                }
            }
        }
        return List.of(pos, visits, calls, sends, opens, nps);
    }

    /** The product's companion: of the same brand, in the category that goes with its own. */
    private static Product companion(List<Product> products, Product x) {
        String wanted = CATEGORIES.get((CATEGORIES.indexOf(x.category()) + 1) % CATEGORIES.size());
        int start = Math.floorMod(x.id().hashCode(), products.size());
        for (int k = 0; k < products.size(); k++) {
            Product p = products.get((start + k) % products.size());
            if (p.brand().equals(x.brand()) && p.category().equals(wanted)) {
                return p;
            }
        }
        return x;
    }

    /** Mostly the customer's favourite brands. */
    private Product pick(List<Product> products, Customer c) {
        for (int tries = 0; tries < 20; tries++) {
            Product x = products.get(random.nextInt(products.size()));
            if (random.nextDouble() < 0.25 || BRANDS.get(c.brands()[0]).equals(x.brand())
                    || BRANDS.get(c.brands()[1]).equals(x.brand())) {
                return x;
            }
        }
        return products.get(random.nextInt(products.size()));
    }

    private int poisson(double mean) {
        double l = Math.exp(-mean);
        int k = 0;
        double p = 1;
        do {
            k++;
            p *= random.nextDouble();
        } while (p > l);
        return k - 1;
    }

    private static Writer writer(Path p, Charset charset, boolean bom) throws IOException {
        BufferedWriter w = new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(p), charset), 1 << 16);
        if (bom) {
            w.write('\uFEFF');
        }
        return w;
    }
}
