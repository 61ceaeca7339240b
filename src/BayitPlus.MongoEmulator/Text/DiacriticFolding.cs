namespace BayitPlus.MongoEmulator.Text;

/// <summary>Maps precomposed letters to their base letter, as Unicode canonical decomposition (NFD)
/// followed by removal of the nonspacing marks would. The runtime runs in invariant-globalization
/// mode, where <see cref="string.Normalize()"/> does not decompose, so the mapping is a table.</summary>
/// <remarks>Covers Latin (Latin-1 Supplement, Extended-A/B, Extended Additional), Greek, Cyrillic
/// and the Hebrew presentation forms (letters with dagesh, shin/sin dots...). Each entry lists a base
/// letter followed by every precomposed letter that decomposes to it plus nonspacing marks; the
/// entries were derived from the Unicode Character Database's canonical decompositions.</remarks>
internal static class DiacriticFolding
{
    private static readonly string[] Groups =
    [
        "AÀÁÂÃÄÅĀĂĄǍǞǠǺȀȂȦḀẠẢẤẦẨẪẬẮẰẲẴẶ",
        "BḂḄḆ",
        "CÇĆĈĊČḈ",
        "DĎḊḌḎḐḒ",
        "EÈÉÊËĒĔĖĘĚȄȆȨḔḖḘḚḜẸẺẼẾỀỂỄỆ",
        "FḞ",
        "GĜĞĠĢǦǴḠ",
        "HĤȞḢḤḦḨḪ",
        "IÌÍÎÏĨĪĬĮİǏȈȊḬḮỈỊ",
        "JĴ",
        "KĶǨḰḲḴ",
        "LĹĻĽḶḸḺḼ",
        "MḾṀṂ",
        "NÑŃŅŇǸṄṆṈṊ",
        "OÒÓÔÕÖŌŎŐƠǑǪǬȌȎȪȬȮȰṌṎṐṒỌỎỐỒỔỖỘỚỜỞỠỢ",
        "PṔṖ",
        "RŔŖŘȐȒṘṚṜṞ",
        "SŚŜŞŠȘṠṢṤṦṨ",
        "TŢŤȚṪṬṮṰ",
        "UÙÚÛÜŨŪŬŮŰŲƯǓǕǗǙǛȔȖṲṴṶṸṺỤỦỨỪỬỮỰ",
        "VṼṾ",
        "WŴẀẂẄẆẈ",
        "XẊẌ",
        "YÝŶŸȲẎỲỴỶỸ",
        "ZŹŻŽẐẒẔ",
        "aàáâãäåāăąǎǟǡǻȁȃȧḁạảấầẩẫậắằẳẵặ",
        "bḃḅḇ",
        "cçćĉċčḉ",
        "dďḋḍḏḑḓ",
        "eèéêëēĕėęěȅȇȩḕḗḙḛḝẹẻẽếềểễệ",
        "fḟ",
        "gĝğġģǧǵḡ",
        "hĥȟḣḥḧḩḫẖ",
        "iìíîïĩīĭįǐȉȋḭḯỉị",
        "jĵǰ",
        "kķǩḱḳḵ",
        "lĺļľḷḹḻḽ",
        "mḿṁṃ",
        "nñńņňǹṅṇṉṋ",
        "oòóôõöōŏőơǒǫǭȍȏȫȭȯȱṍṏṑṓọỏốồổỗộớờởỡợ",
        "pṕṗ",
        "rŕŗřȑȓṙṛṝṟ",
        "sśŝşšșṡṣṥṧṩ",
        "tţťțṫṭṯṱẗ",
        "uùúûüũūŭůűųưǔǖǘǚǜȕȗṳṵṷṹṻụủứừửữự",
        "vṽṿ",
        "wŵẁẃẅẇẉẘ",
        "xẋẍ",
        "yýÿŷȳẏẙỳỵỷỹ",
        "zźżžẑẓẕ",
        "ÆǢǼ",
        "ØǾ",
        "æǣǽ",
        "øǿ",
        "ſẛ",
        "ƷǮ",
        "ʒǯ",
        "ΑΆἈἉἊἋἌἍἎἏᾈᾉᾊᾋᾌᾍᾎᾏᾸᾹᾺΆᾼ",
        "ΕΈἘἙἚἛἜἝῈΈ",
        "ΗΉἨἩἪἫἬἭἮἯᾘᾙᾚᾛᾜᾝᾞᾟῊΉῌ",
        "ΙΊΪἸἹἺἻἼἽἾἿῘῙῚΊ",
        "ΟΌὈὉὊὋὌὍῸΌ",
        "ΡῬ",
        "ΥΎΫὙὛὝὟῨῩῪΎ",
        "ΩΏὨὩὪὫὬὭὮὯᾨᾩᾪᾫᾬᾭᾮᾯῺΏῼ",
        "αάἀἁἂἃἄἅἆἇὰάᾀᾁᾂᾃᾄᾅᾆᾇᾰᾱᾲᾳᾴᾶᾷ",
        "εέἐἑἒἓἔἕὲέ",
        "ηήἠἡἢἣἤἥἦἧὴήᾐᾑᾒᾓᾔᾕᾖᾗῂῃῄῆῇ",
        "ιΐίϊἰἱἲἳἴἵἶἷὶίῐῑῒΐῖῗ",
        "οόὀὁὂὃὄὅὸό",
        "ρῤῥ",
        "υΰϋύὐὑὒὓὔὕὖὗὺύῠῡῢΰῦῧ",
        "ωώὠὡὢὣὤὥὦὧὼώᾠᾡᾢᾣᾤᾥᾦᾧῲῳῴῶῷ",
        "ϒϓϔ",
        "ІЇ",
        "АӐӒ",
        "ГЃ",
        "ЕЀЁӖ",
        "ЖӁӜ",
        "ЗӞ",
        "ИЍЙӢӤ",
        "КЌ",
        "ОӦ",
        "УЎӮӰӲ",
        "ЧӴ",
        "ЫӸ",
        "ЭӬ",
        "аӑӓ",
        "гѓ",
        "еѐёӗ",
        "жӂӝ",
        "зӟ",
        "ийѝӣӥ",
        "кќ",
        "оӧ",
        "уўӯӱӳ",
        "чӵ",
        "ыӹ",
        "эӭ",
        "ії",
        "ѴѶ",
        "ѵѷ",
        "ӘӚ",
        "әӛ",
        "ӨӪ",
        "өӫ",
        "\u05D0\uFB2E\uFB2F\uFB30",
        "\u05D1\uFB31\uFB4C",
        "\u05D2\uFB32",
        "\u05D3\uFB33",
        "\u05D4\uFB34",
        "\u05D5\uFB35\uFB4B",
        "\u05D6\uFB36",
        "\u05D8\uFB38",
        "\u05D9\uFB1D\uFB39",
        "\u05DA\uFB3A",
        "\u05DB\uFB3B\uFB4D",
        "\u05DC\uFB3C",
        "\u05DE\uFB3E",
        "\u05E0\uFB40",
        "\u05E1\uFB41",
        "\u05E3\uFB43",
        "\u05E4\uFB44\uFB4E",
        "\u05E6\uFB46",
        "\u05E7\uFB47",
        "\u05E8\uFB48",
        "\u05E9\uFB2A\uFB2B\uFB2C\uFB2D\uFB49",
        "\u05EA\uFB4A",
        "\u05F2\uFB1F",
    ];

    private static readonly char[] BaseOf = BuildTable();

    /// <summary>The base letter of <paramref name="c"/>, or <paramref name="c"/> itself.</summary>
    public static char Fold(char c) => c < 0xC0 ? c : BaseOf[c];

    private static char[] BuildTable()
    {
        var table = new char[char.MaxValue + 1];
        for (var i = 0; i < table.Length; i++)
        {
            table[i] = (char)i;
        }

        foreach (var group in Groups)
        {
            foreach (var composed in group.AsSpan(1))
            {
                table[composed] = group[0];
            }
        }

        return table;
    }
}
