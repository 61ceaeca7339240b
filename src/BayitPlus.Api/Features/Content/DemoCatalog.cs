using MongoDB.Bson;

namespace BayitPlus.Api.Features.Content;

/// <summary>The demo catalog a frontend developer sees when the API runs on the embedded emulator:
/// items on every value of every axis, cross-listed sections, texts in Hebrew, English and Spanish,
/// podcasts with episodes, live channels and radio stations. Titles, people and places are made up;
/// URLs are under the reserved <c>.example</c> domain.</summary>
public static class DemoCatalog
{
    private const string Images = "https://images.bayitplus.example/demo";
    private const string Streams = "https://vod.bayitplus.example/demo";

    /// <summary>The demo documents, dated back from <paramref name="now"/> (the list order is newest first).</summary>
    public static DemoCatalogData Create(DateTime now)
    {
        var content = Items.Select((item, i) => item.ToDocument(now.AddDays(-2 * i).AddHours(-i))).ToList();
        var podcasts = new List<PodcastDocument>();
        var episodes = new List<PodcastEpisodeDocument>();
        foreach (var (show, i) in Shows.Select((show, i) => (show, i)))
        {
            var podcast = show.Podcast(now.AddDays(-30 - i));
            podcasts.Add(podcast);
            episodes.AddRange(show.Episodes.Select((episode, n) => new PodcastEpisodeDocument
            {
                Id = ObjectId.GenerateNewId().ToString(),
                PodcastId = podcast.Id,
                Title = episode.Title,
                Description = episode.Description,
                AudioUrl = $"https://audio.bayitplus.example/demo/{show.Slug}/{n + 1}.mp3",
                Duration = episode.Minutes * 60,
                PublishedDate = now.Date.AddDays(-7 * (show.Episodes.Count - 1 - n)).AddHours(6),
                EpisodeNumber = n + 1,
                SeasonNumber = 1,
                Guid = $"{show.Slug}-{n + 1}",
            }));
            podcast.EpisodeCount = show.Episodes.Count;
        }

        return new DemoCatalogData(content, podcasts, episodes, Channels(now), Stations(now));
    }

    private sealed record Item(
        string Slug,
        string Format,
        string Audience,
        string[] Sections,
        string[] Genres,
        string[] Topics,
        int Year,
        double Rating,
        string Duration,
        bool Featured,
        long Views,
        string Director,
        string[] Cast,
        (string He, string En, string Es) Title,
        (string He, string En, string Es) Description)
    {
        public ContentDocument ToDocument(DateTime createdAt) => new()
        {
            Id = ObjectId.GenerateNewId().ToString(),
            Title = Title.He,
            TitleEn = Title.En,
            TitleEs = Title.Es,
            Description = Description.He,
            DescriptionEn = Description.En,
            DescriptionEs = Description.Es,
            Thumbnail = $"{Images}/{Slug}/thumb.jpg",
            Backdrop = $"{Images}/{Slug}/backdrop.jpg",
            PosterUrl = $"{Images}/{Slug}/poster.jpg",
            SectionIds = [.. Sections],
            PrimarySectionId = Sections[0],
            ContentFormat = Format,
            AudienceId = Audience,
            GenreIds = [.. Genres],
            TopicTags = [.. Topics],
            StreamUrl = $"{Streams}/{Slug}/master.m3u8",
            Duration = Duration,
            Year = Year,
            Rating = Rating,
            Cast = [.. Cast],
            Director = Director,
            IsFeatured = Featured,
            ViewCount = Views,
            CreatedAt = createdAt,
        };
    }

    private static readonly Item[] Items =
    [
        new("the-bakery-on-herzl-street", "series", "general", ["series"], ["comedy", "romance"], ["food"], 2024, 7.4, "0:30:00", true, 1840, "Michal Doron", ["Claire Amsalem", "Yossi Peretz"],
            ("המאפייה ברחוב הרצל", "The Bakery on Herzl Street", "La panadería de la calle Herzl"),
            ("אופה צרפתייה פותחת מאפייה בבאר שבע, מול המאפייה הוותיקה של השכן.",
             "A French baker opens a bakery in Beersheba, right across from her neighbor's old one.",
             "Una panadera francesa abre una panadería en Beerseba, justo enfrente de la veterana de su vecino.")),
        new("shabbat-in-five-minutes", "clip", "general", ["judaism"], ["inspirational"], ["jewish", "educational"], 2024, 8.0, "0:05:00", false, 5230, "Rivka Halevi", ["Rivka Halevi"],
            ("שבת בחמש דקות", "Shabbat in Five Minutes", "El Shabat en cinco minutos"),
            ("הסבר קצר ושמח על הדלקת נרות, קידוש ומה שביניהם, למי שמתחיל לשמור שבת.",
             "A short, cheerful guide to candle lighting, kiddush and everything in between, for anyone starting to keep Shabbat.",
             "Una guía breve y alegre sobre el encendido de velas, el kidush y todo lo demás, para quien empieza a guardar el Shabat.")),
        new("holiday-crafts", "clip", "kids", ["kids", "judaism"], ["family"], ["jewish", "educational"], 2024, 7.1, "0:06:00", false, 2210, "Tamar Regev", ["Tamar Regev", "Ori Regev"],
            ("יצירות לחג", "Holiday Crafts", "Manualidades para las fiestas"),
            ("רעיונות קלים ליצירה עם הילדים לקראת ראש השנה, חנוכה ופסח.",
             "Easy craft ideas to make with the kids for Rosh Hashanah, Hanukkah and Passover.",
             "Ideas sencillas de manualidades para hacer con los niños en Rosh Hashaná, Janucá y Pésaj.")),
        new("the-weekly-portion-in-a-minute", "clip", "general", ["judaism"], ["inspirational"], ["jewish", "educational"], 2024, 7.5, "0:03:30", false, 3980, "Rabbi Eliyahu Sasson", ["Rabbi Eliyahu Sasson"],
            ("פרשת השבוע בדקה", "The Weekly Portion in a Minute", "La parashá en un minuto"),
            ("רעיון אחד מפרשת השבוע, בדקה אחת, לשולחן השבת.",
             "One idea from the week's Torah portion, in one minute, for the Shabbat table.",
             "Una idea de la parashá de la semana, en un minuto, para la mesa del Shabat.")),
        new("the-little-dreidel", "series", "kids", ["kids"], ["animation", "adventure"], ["jewish", "educational"], 2023, 7.2, "0:12:00", true, 6120, "Gil Mizrahi", ["Shira Golan", "Ben Azulay"],
            ("הסביבון הקטן", "The Little Dreidel", "El pequeño dreidel"),
            ("סביבון סקרן יוצא להרפתקאות בכל חג ולומד יחד עם הילדים מה מסתתר מאחורי המנהגים.",
             "A curious spinning top sets off on an adventure every holiday and learns with the children what lies behind each custom.",
             "Una perinola curiosa vive una aventura en cada fiesta y aprende con los niños qué hay detrás de cada costumbre.")),
        new("night-shift", "series", "mature", ["series"], ["drama", "thriller"], ["israel"], 2023, 8.3, "0:47:00", true, 9870, "Eran Shaked", ["Maya Rosen", "Dvir Ohana", "Lior Weiss"],
            ("משמרת לילה", "Night Shift", "Turno de noche"),
            ("שלושה רופאים צעירים בחדר המיון של בית חולים בתל אביב, ולילה אחד שבו הכול משתבש.",
             "Three young doctors in a Tel Aviv hospital emergency room, and one night when everything goes wrong.",
             "Tres médicos jóvenes en la sala de urgencias de un hospital de Tel Aviv, y una noche en la que todo sale mal.")),
        new("jerusalem-light", "clip", "general", ["music"], ["music"], ["music", "israel"], 2023, 7.0, "0:04:10", false, 1520, "Adi Karmi", ["Noam Elkayam"],
            ("אור של ירושלים", "Jerusalem Light", "Luz de Jerusalén"),
            ("הופעה חיה ואקוסטית במגדל דוד, בשקיעה.",
             "A live acoustic performance at the Tower of David, at sunset.",
             "Una actuación acústica en directo en la Torre de David, al atardecer.")),
        new("the-hidden-library", "movie", "kids", ["kids", "movies"], ["adventure", "fantasy"], ["educational", "history"], 2023, 7.0, "1:32:00", false, 4410, "Hila Bar-On", ["Itai Levin", "Noga Segal", "Amir Dahan"],
            ("הספרייה הנסתרת", "The Hidden Library", "La biblioteca escondida"),
            ("שלושה ילדים מגלים מתחת לבית הספר ספרייה עתיקה שבה הספרים פותחים דלתות לתקופות אחרות.",
             "Three children discover an ancient library beneath their school where books open doors to other times.",
             "Tres niños descubren bajo su escuela una biblioteca antigua donde los libros abren puertas a otras épocas.")),
        new("desert-wind", "movie", "mature", ["movies"], ["thriller", "action"], ["israel"], 2022, 6.8, "1:41:00", false, 7340, "Eitan Levi", ["Keren Avital", "Moshe Tal"],
            ("רוח מדבר", "Desert Wind", "Viento del desierto"),
            ("חוקרת משטרה בערבה נקלעת לרשת הברחות מסוכנת כשעד מרכזי נעלם בסופת חול.",
             "A police investigator in the Arava is pulled into a dangerous smuggling ring when a key witness vanishes in a sandstorm.",
             "Una investigadora de policía en la Aravá queda atrapada en una peligrosa red de contrabando cuando un testigo clave desaparece en una tormenta de arena.")),
        new("the-alef-bet-band", "series", "kids", ["kids", "music"], ["music", "animation"], ["educational"], 2022, 7.8, "0:10:00", false, 8050, "Gil Mizrahi", ["Shira Golan"],
            ("להקת האלף־בית", "The Alef-Bet Band", "La banda del Alef-Bet"),
            ("האותיות העבריות מקימות להקה, וכל שיר מלמד את הילדים אות חדשה.",
             "The Hebrew letters form a band, and every song teaches children a new letter.",
             "Las letras hebreas forman una banda y cada canción enseña a los niños una letra nueva.")),
        new("undercover-in-eilat", "series", "mature", ["series"], ["action", "thriller"], ["israel"], 2022, 7.5, "0:44:00", false, 6630, "Eran Shaked", ["Keren Avital", "Yoav Shapira"],
            ("סמויה באילת", "Undercover in Eilat", "Encubierta en Eilat"),
            ("שוטרת סמויה משתלבת בצוות של מלון יוקרה באילת כדי לחשוף רשת הונאות בינלאומית.",
             "An undercover officer joins the staff of a luxury hotel in Eilat to expose an international fraud ring.",
             "Una agente encubierta se une al personal de un hotel de lujo en Eilat para desenmascarar una red internacional de estafas.")),
        new("first-rain", "short", "family", ["movies"], ["drama"], ["nature", "family"], 2022, 7.6, "0:14:00", false, 1290, "Sivan Nahum", ["Yonatan Biton", "Avi Katz"],
            ("יורה", "First Rain", "Primera lluvia"),
            ("ילד בן שמונה מחכה לגשם הראשון כדי לקיים הבטחה שנתן לאביו.",
             "An eight-year-old waits for the first rain of the season to keep a promise he made to his father.",
             "Un niño de ocho años espera la primera lluvia de la temporada para cumplir una promesa que le hizo a su padre.")),
        new("grandmas-kitchen", "series", "family", ["series", "judaism"], ["comedy"], ["food", "jewish", "family"], 2021, 7.9, "0:28:00", true, 5560, "Orly Ben-David", ["Sara Levi", "Dana Levi", "Noa Levi"],
            ("המטבח של סבתא", "Grandma's Kitchen", "La cocina de la abuela"),
            ("בכל פרק שלושה דורות של משפחה אחת מבשלים מתכון חג ישן, ומתווכחים על כל כפית מלח.",
             "In each episode three generations of one family cook an old holiday recipe and argue over every spoonful of salt.",
             "En cada episodio, tres generaciones de una familia cocinan una vieja receta de fiesta y discuten por cada cucharada de sal.")),
        new("the-olive-grove", "short", "general", ["movies"], ["drama"], ["israel", "nature"], 2021, 7.3, "0:18:00", false, 980, "Sivan Nahum", ["Yehuda Amar", "Lia Amar"],
            ("כרם הזיתים", "The Olive Grove", "El olivar"),
            ("סרט קצר על חקלאי זקן ונכדתו ביום המסיק האחרון לפני שהכרם נמכר.",
             "A short film about an old farmer and his granddaughter on the last day of the harvest before the grove is sold.",
             "Un cortometraje sobre un viejo agricultor y su nieta en el último día de cosecha antes de que se venda el olivar.")),
        new("from-garage-to-wall-street", "documentary", "general", ["documentaries"], ["biography"], ["tech", "israel"], 2021, 6.7, "0:49:00", false, 2760, "Ronen Alon", ["Ronen Alon"],
            ("מהמוסך לבורסה", "From Garage to Wall Street", "Del garaje a Wall Street"),
            ("חמש חברות הזנק ישראליות, מהרעיון הראשון במוסך ועד היום שבו הכול עמד על הפרק.",
             "Five Israeli startups, from the first idea in a garage to the day everything was on the line.",
             "Cinco empresas emergentes israelíes, desde la primera idea en un garaje hasta el día en que se lo jugaron todo.")),
        new("songs-of-the-galilee", "series", "general", ["music", "series"], ["music"], ["music", "israel"], 2021, 7.3, "0:25:00", false, 3150, "Adi Karmi", ["Noam Elkayam", "Hadas Yaron"],
            ("שירי הגליל", "Songs of the Galilee", "Canciones de Galilea"),
            ("בכל פרק אמן אחר מארח בחצר ביתו בגליל ומספר את הסיפור שמאחורי השירים.",
             "In each episode a different artist hosts in their Galilee backyard and tells the story behind the songs.",
             "En cada episodio un artista distinto recibe en el patio de su casa en Galilea y cuenta la historia detrás de sus canciones.")),
        new("sounds-of-jaffa", "documentary", "general", ["documentaries", "music"], ["music"], ["music", "israel", "history"], 2020, 7.6, "1:18:00", false, 2480, "Nir Sabag", ["Nir Sabag"],
            ("צלילי יפו", "Sounds of Jaffa", "Sonidos de Jaffa"),
            ("הסיפור של נמל יפו דרך המוזיקה שלו: מזמרי הפיוט ועד להקות הרוק של שנות השבעים.",
             "The story of Jaffa's port told through its music, from liturgical singers to the rock bands of the seventies.",
             "La historia del puerto de Jaffa contada a través de su música, desde los cantores litúrgicos hasta las bandas de rock de los setenta.")),
        new("captain-falafel", "short", "kids", ["kids"], ["animation", "comedy"], ["food"], 2020, 6.5, "0:08:00", false, 3720, "Ben Azulay", ["Ori Regev"],
            ("קפטן פלאפל", "Captain Falafel", "Capitán Falafel"),
            ("כדור פלאפל אמיץ מציל את דוכן השוק מפני חבורת חצילים שובבים.",
             "A brave falafel ball saves the market stall from a gang of mischievous eggplants.",
             "Una valiente bola de falafel salva el puesto del mercado de una pandilla de berenjenas traviesas.")),
        new("marathon", "short", "general", ["movies"], ["comedy"], ["sport"], 2020, 6.4, "0:16:00", false, 870, "Tom Friedman", ["Yossi Peretz"],
            ("מרתון", "Marathon", "Maratón"),
            ("רץ חובב מתעקש להשלים את מרתון תל אביב, למרות שכולם בטוחים שהוא ייכנע בקילומטר החמישי.",
             "An amateur runner insists on finishing the Tel Aviv Marathon, though everyone is sure he will quit by the fifth kilometer.",
             "Un corredor aficionado se empeña en terminar el maratón de Tel Aviv, aunque todos están seguros de que abandonará en el quinto kilómetro.")),
        new("the-last-summer-in-haifa", "movie", "general", ["movies"], ["drama", "romance"], ["israel", "family"], 2019, 7.4, "1:52:00", true, 8820, "Noa Ben-Ami", ["Yael Shimoni", "Avi Katz"],
            ("הקיץ האחרון בחיפה", "The Last Summer in Haifa", "El último verano en Haifa"),
            ("שתי אחיות חוזרות לבית ילדותן על הכרמל כדי למכור אותו, ומגלות מכתבים שמשנים את כל מה שידעו על אמן.",
             "Two sisters return to their childhood home on Mount Carmel to sell it, and find letters that change everything they knew about their mother.",
             "Dos hermanas regresan a la casa de su infancia en el monte Carmelo para venderla y encuentran cartas que cambian todo lo que sabían de su madre.")),
        new("wings-over-the-hula", "documentary", "family", ["documentaries"], ["nature"], ["nature", "israel"], 2019, 8.4, "0:52:00", true, 4930, "Dror Peleg", ["Dror Peleg"],
            ("כנפיים מעל החולה", "Wings over the Hula", "Alas sobre el Hula"),
            ("מאות אלפי עגורים עוצרים בעמק החולה בדרכם לאפריקה: צילומים נדירים של אחת מנדידות הציפורים הגדולות בעולם.",
             "Hundreds of thousands of cranes stop in the Hula Valley on their way to Africa: rare footage of one of the world's great bird migrations.",
             "Cientos de miles de grullas hacen escala en el valle de Hula camino de África: imágenes excepcionales de una de las grandes migraciones de aves del mundo.")),
        new("letters-from-tunis", "movie", "family", ["movies", "judaism"], ["drama", "history"], ["jewish", "history", "family"], 2019, 7.8, "1:49:00", true, 7210, "Orly Ben-David", ["Lea Cohen", "Marc Sitbon"],
            ("מכתבים מתוניס", "Letters from Tunis", "Cartas desde Túnez"),
            ("אישה צעירה בפריז מגלה את סיפור משפחתה היהודית מתוניס דרך קופסת מכתבים שהשאירה סבתה.",
             "A young woman in Paris uncovers her Jewish family's story in Tunis through a box of letters left by her grandmother.",
             "Una joven en París descubre la historia de su familia judía en Túnez a través de una caja de cartas que dejó su abuela.")),
        new("stories-of-the-old-city", "documentary", "general", ["documentaries", "judaism"], ["history"], ["jewish", "history", "educational"], 2018, 8.1, "0:55:00", false, 4070, "Yair Ashkenazi", ["Yair Ashkenazi"],
            ("סיפורי העיר העתיקה", "Stories of the Old City", "Historias de la Ciudad Vieja"),
            ("מסע בין סמטאות ירושלים העתיקה בעקבות האנשים שחיו בהן לאורך אלפי שנים.",
             "A journey through the alleys of Jerusalem's Old City, following the people who lived there over thousands of years.",
             "Un recorrido por los callejones de la Ciudad Vieja de Jerusalén tras las huellas de quienes vivieron allí durante miles de años.")),
        new("kibbutz-chronicles", "series", "family", ["series"], ["comedy", "drama"], ["israel", "history", "family"], 2018, 7.7, "0:35:00", false, 5890, "Michal Doron", ["Hadas Yaron", "Moshe Tal", "Itai Levin"],
            ("דברי ימי הקיבוץ", "Kibbutz Chronicles", "Crónicas del kibutz"),
            ("שלושה דורות בקיבוץ אחד בגליל, מימי החלוצים ועד ההפרטה, בקומדיה משפחתית חמה.",
             "Three generations of one kibbutz in the Galilee, from the pioneer days to privatization, in a warm family comedy.",
             "Tres generaciones de un kibutz de Galilea, desde los pioneros hasta la privatización, en una cálida comedia familiar.")),
        new("the-matchmaker", "movie", "family", ["movies", "judaism"], ["comedy", "romance"], ["jewish", "family"], 2017, 6.9, "1:38:00", false, 6480, "Tom Friedman", ["Sara Levi", "Dvir Ohana"],
            ("השדכנית", "The Matchmaker", "La casamentera"),
            ("שדכנית ותיקה מחליטה לפרוש, אבל לפני כן עליה למצוא שידוך לבן הזקונים העקשן שלה.",
             "A veteran matchmaker decides to retire, but first she has to find a match for her stubborn youngest son.",
             "Una veterana casamentera decide jubilarse, pero antes debe encontrar pareja para su testarudo hijo menor.")),
        new("the-cantor", "documentary", "general", ["documentaries", "music", "judaism"], ["music", "biography"], ["jewish", "music"], 2017, 8.2, "1:05:00", false, 3340, "Nir Sabag", ["Cantor Avraham Klein"],
            ("החזן", "The Cantor", "El jazán"),
            ("מסע בעקבות החזנים הגדולים של אירופה, והצעירים שמחזירים את המסורת לבתי הכנסת היום.",
             "Following the great cantors of Europe, and the young singers bringing the tradition back to synagogues today.",
             "Tras las huellas de los grandes jazanim de Europa y de los jóvenes que hoy devuelven la tradición a las sinagogas.")),
        new("the-cartographer", "movie", "general", ["movies"], ["drama", "history"], ["history"], 2016, 7.0, "2:04:00", false, 2950, "Yair Ashkenazi", ["Amir Dahan", "Lea Cohen"],
            ("הקרטוגרף", "The Cartographer", "El cartógrafo"),
            ("בשנות העשרים של המאה הקודמת, שרטט מפות צעיר מגלה שהמפה שהוא מכין תקבע את גורלם של כפרים שלמים.",
             "In the 1920s, a young mapmaker discovers that the map he is drawing will decide the fate of entire villages.",
             "En la década de 1920, un joven cartógrafo descubre que el mapa que dibuja decidirá el destino de pueblos enteros.")),
        new("the-refusenik", "documentary", "general", ["documentaries", "judaism"], ["history", "biography"], ["jewish", "history"], 2016, 8.0, "1:22:00", false, 3610, "Dror Peleg", ["Dror Peleg"],
            ("המסורב", "The Refusenik", "El refusenik"),
            ("סיפורו של מהנדס מלנינגרד שחיכה שבע־עשרה שנה לאשרת יציאה, ושל המכתבים שהחזיקו אותו.",
             "The story of a Leningrad engineer who waited seventeen years for an exit visa, and of the letters that kept him going.",
             "La historia de un ingeniero de Leningrado que esperó diecisiete años un visado de salida, y de las cartas que lo sostuvieron.")),
        new("border-lines", "movie", "mature", ["movies"], ["thriller", "drama"], ["history"], 2015, 7.1, "1:56:00", false, 5170, "Eitan Levi", ["Maya Rosen", "Lior Weiss"],
            ("קווי גבול", "Border Lines", "Líneas de frontera"),
            ("סוכנת מודיעין בדימוס נקראת למשימה אחרונה בברלין של 1989, יום לפני נפילת החומה.",
             "A retired intelligence officer is called back for one last mission in Berlin in 1989, the day before the Wall falls.",
             "Una agente de inteligencia retirada es llamada para una última misión en el Berlín de 1989, la víspera de la caída del Muro.")),
        new("moon-over-masada", "movie", "general", ["movies"], ["adventure"], ["history", "israel"], 2014, 6.6, "1:47:00", false, 3890, "Hila Bar-On", ["Noga Segal", "Yoav Shapira"],
            ("ירח מעל מצדה", "Moon over Masada", "Luna sobre Masada"),
            ("קבוצת ארכאולוגים צעירים מוצאת על המצוק מגילה שמישהו מוכן לעשות הכול כדי להשיג.",
             "A group of young archaeologists finds a scroll on the cliff that someone will do anything to get.",
             "Un grupo de jóvenes arqueólogos encuentra en el acantilado un rollo que alguien hará lo que sea por conseguir.")),
    ];

    private sealed record Episode(string Title, string Description, int Minutes);

    private sealed record Show(string Slug, string Title, string Description, string Author, string Language, string[] Categories, IReadOnlyList<Episode> Episodes)
    {
        public PodcastDocument Podcast(DateTime createdAt) => new()
        {
            Id = ObjectId.GenerateNewId().ToString(),
            Title = Title,
            Description = Description,
            Thumbnail = $"{Images}/podcasts/{Slug}.jpg",
            RssFeedUrl = $"https://feeds.bayitplus.example/demo/{Slug}.xml",
            Author = Author,
            Language = Language,
            Categories = [.. Categories],
            LastUpdated = createdAt,
            CreatedAt = createdAt,
        };
    }

    private static readonly Show[] Shows =
    [
        new("history-on-the-way", "היסטוריה בדרך", "פודקאסט שבועי על מקומות בארץ ועל הסיפורים שקרו בהם, בהגשת יעל אשכנזי.", "יעל אשכנזי", "he", ["history", "israel"],
        [
            new("עכו: העיר שלא נכנעה", "איך עמדה עכו במצור של נפוליאון, ומה נשאר מזה בסמטאות היום.", 42),
            new("המשפחה שהביאה את הקפה לירושלים", "סיפורו של בית הקפה הראשון מחוץ לחומות.", 37),
            new("הרכבת לעמק", "הרכבת העמק, מסילה שנבנתה בשנים ספורות ונשכחה לחצי מאה.", 45),
            new("הספרייה של צפת", "ספרי הקודש שנדדו מספרד לגליל.", 39),
            new("מגדלור יפו", "שומרי המגדלור והאוניות שהם הצילו.", 33),
            new("המעיין בעין כרם", "מים, אגדות ושכונה שהשתנתה.", 41),
        ]),
        new("table-talk", "Table Talk", "Conversations about Jewish food, family and memory, one recipe at a time.", "Dana Levi", "en", ["food", "culture"],
        [
            new("The Shakshuka Wars", "Tunisian, Libyan or Yemenite: whose shakshuka came first?", 31),
            new("Grandma's Challah", "Braids, blessings and the family secret of the extra egg.", 28),
            new("A Seder for Forty", "How one family in Buenos Aires hosts Passover for the whole building.", 35),
        ]),
    ];

    private static List<LiveChannelDocument> Channels(DateTime now) =>
    [
        Channel(now, 1, "Bayit+ חדשות", "news", "he", "IL", dubbing: false),
        Channel(now, 2, "Bayit+ ילדים", "kids", "he", "IL", dubbing: true),
        Channel(now, 3, "Bayit+ תרבות", "culture", "he", "IL", dubbing: false),
        Channel(now, 10, "Bayit+ International", "international", "en", "US", dubbing: true),
        Channel(now, 20, "Bayit+ Latino", "latino", "es", "AR", dubbing: true),
    ];

    private static LiveChannelDocument Channel(DateTime now, int number, string name, string slug, string language, string country, bool dubbing) => new()
    {
        Id = ObjectId.GenerateNewId().ToString(),
        ChannelName = name,
        ChannelNumber = number,
        StreamUrl = $"https://live.bayitplus.example/demo/{slug}/index.m3u8",
        LogoUrl = $"{Images}/channels/{slug}.png",
        Language = language,
        Country = country,
        IsActive = true,
        SupportsDubbing = dubbing,
        EpgEnabled = true,
        CreatedAt = now,
    };

    private static List<RadioStationDocument> Stations(DateTime now) =>
    [
        Station("Bayit+ Radio Hits", "hits", "IL", "he", "pop", now),
        Station("Jerusalem Classics", "jerusalem-classics", "IL", "he", "classical", now),
        Station("Jazz from Tel Aviv", "tel-aviv-jazz", "IL", "en", "jazz", now),
        Station("Radio Shalom Buenos Aires", "shalom-buenos-aires", "AR", "es", "jewish", now),
    ];

    private static RadioStationDocument Station(string name, string slug, string country, string language, string genre, DateTime now) => new()
    {
        Id = ObjectId.GenerateNewId().ToString(),
        StationName = name,
        StreamUrl = $"https://radio.bayitplus.example/demo/{slug}/stream.mp3",
        LogoUrl = $"{Images}/radio/{slug}.png",
        Country = country,
        Language = language,
        Genre = genre,
        IsActive = true,
        CreatedAt = now,
    };
}

/// <summary>The documents of the demo catalog, one list per collection.</summary>
public sealed record DemoCatalogData(
    IReadOnlyList<ContentDocument> Content,
    IReadOnlyList<PodcastDocument> Podcasts,
    IReadOnlyList<PodcastEpisodeDocument> Episodes,
    IReadOnlyList<LiveChannelDocument> Channels,
    IReadOnlyList<RadioStationDocument> Stations);
