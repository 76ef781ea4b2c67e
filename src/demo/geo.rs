//! Where the demo's people log in from: a small city table with a realistic skew (an
//! EU-headquartered company with US and APAC staff), and the risky locations only the
//! planted incidents use. IP prefixes are made up but public-looking; the Berlin office
//! egresses through 203.0.113.0/24, inside the demo's IP allowlist.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct City {
    pub city: &'static str,
    pub region: &'static str,
    pub country: &'static str,
    /// `lat,lon`, the form the `geo` field is rendered in here (the API's own format is
    /// not documented).
    pub geo: &'static str,
    /// First two octets of home-broadband addresses in this city.
    pub ip_prefix: [u8; 2],
    /// Relative share of people living here.
    pub weight: u32,
    /// IANA time zone, for "local time" reasoning (a 02:30 change is odd in Berlin, not in Tokyo).
    pub tz: &'static str,
}

const fn city(
    city: &'static str,
    region: &'static str,
    country: &'static str,
    geo: &'static str,
    ip_prefix: [u8; 2],
    weight: u32,
    tz: &'static str,
) -> City {
    City {
        city,
        region,
        country,
        geo,
        ip_prefix,
        weight,
        tz,
    }
}

/// Index of the headquarters in `CITIES`.
pub const HQ: usize = 0;
/// Index of Sydney in `CITIES` (the far end of the impossible-travel pair).
pub const SYDNEY: usize = 12;

/// Baseline locations, HQ first.
pub const CITIES: [City; 14] = [
    city(
        "Berlin",
        "Berlin",
        "Germany",
        "52.5200,13.4050",
        [91, 64],
        34,
        "Europe/Berlin",
    ),
    city(
        "Munich",
        "Bavaria",
        "Germany",
        "48.1351,11.5820",
        [84, 151],
        9,
        "Europe/Berlin",
    ),
    city(
        "Hamburg",
        "Hamburg",
        "Germany",
        "53.5511,9.9937",
        [93, 197],
        5,
        "Europe/Berlin",
    ),
    city(
        "London",
        "England",
        "United Kingdom",
        "51.5072,-0.1276",
        [86, 12],
        8,
        "Europe/London",
    ),
    city(
        "Amsterdam",
        "North Holland",
        "Netherlands",
        "52.3676,4.9041",
        [145, 53],
        4,
        "Europe/Amsterdam",
    ),
    city(
        "Warsaw",
        "Masovian Voivodeship",
        "Poland",
        "52.2297,21.0122",
        [83, 24],
        5,
        "Europe/Warsaw",
    ),
    city(
        "Paris",
        "Ile-de-France",
        "France",
        "48.8566,2.3522",
        [90, 84],
        3,
        "Europe/Paris",
    ),
    city(
        "New York",
        "New York",
        "United States",
        "40.7128,-74.0060",
        [72, 229],
        8,
        "America/New_York",
    ),
    city(
        "Austin",
        "Texas",
        "United States",
        "30.2672,-97.7431",
        [70, 112],
        5,
        "America/Chicago",
    ),
    city(
        "Toronto",
        "Ontario",
        "Canada",
        "43.6532,-79.3832",
        [99, 228],
        3,
        "America/Toronto",
    ),
    city(
        "Bengaluru",
        "Karnataka",
        "India",
        "12.9716,77.5946",
        [106, 51],
        6,
        "Asia/Kolkata",
    ),
    city(
        "Tokyo",
        "Tokyo",
        "Japan",
        "35.6762,139.6503",
        [126, 77],
        2,
        "Asia/Tokyo",
    ),
    city(
        "Sydney",
        "New South Wales",
        "Australia",
        "-33.8688,151.2093",
        [101, 181],
        2,
        "Australia/Sydney",
    ),
    city(
        "Sao Paulo",
        "Sao Paulo",
        "Brazil",
        "-23.5558,-46.6396",
        [177, 92],
        2,
        "America/Sao_Paulo",
    ),
];

/// Locations only the planted incidents log in from.
pub const TEHRAN: City = city(
    "Tehran",
    "Tehran Province",
    "Iran",
    "35.6892,51.3890",
    [5, 160],
    0,
    "Asia/Tehran",
);
pub const PYONGYANG: City = city(
    "Pyongyang",
    "Pyongyang",
    "North Korea",
    "39.0392,125.7625",
    [175, 45],
    0,
    "Asia/Pyongyang",
);
/// Where third-party apps call from (their cloud region).
pub const ASHBURN: City = city(
    "Ashburn",
    "Virginia",
    "United States",
    "39.0438,-77.4874",
    [52, 4],
    0,
    "America/New_York",
);

/// The Berlin office's egress range (inside the demo IP allowlist's 203.0.113.0/24).
pub const OFFICE_IP_PREFIX: [u8; 3] = [203, 0, 113];
