using System.Globalization;
using System.ServiceModel.Syndication;
using System.Xml;
using BayitPlus.Api.Infrastructure.Validation;

namespace BayitPlus.Api.Features.Content.Admin;

/// <summary>One episode as a feed describes it.</summary>
public sealed record FeedEpisode(
    string Guid,
    string Title,
    string? Description,
    string AudioUrl,
    int? Duration,
    DateTime? PublishedDate,
    int? EpisodeNumber,
    int? SeasonNumber);

/// <summary>
/// Reads RSS 2.0 with the iTunes podcast extensions through System.ServiceModel.Syndication: an
/// item's enclosure is the audio, its guid (else the audio URL) identifies it, and
/// <c>itunes:duration</c> (seconds, MM:SS or H:MM:SS), <c>itunes:episode</c>,
/// <c>itunes:season</c> and <c>itunes:summary</c> (when there is no description) are read from the
/// element extensions. Items without an http(s) enclosure are not episodes and are skipped.
/// </summary>
public static class PodcastFeed
{
    public const string ItunesNamespace = "http://www.itunes.com/dtds/podcast-1.0.dtd";

    public static IReadOnlyList<FeedEpisode> Parse(Stream content)
    {
        var settings = new XmlReaderSettings
        {
            // A DOCTYPE (old feeds have one) is skipped, never resolved or expanded.
            DtdProcessing = DtdProcessing.Ignore,
            XmlResolver = null,
            IgnoreComments = true,
        };
        var formatter = new Rss20FeedFormatter { DateTimeParser = ParseDate };
        try
        {
            using var reader = XmlReader.Create(content, settings);
            reader.MoveToContent();
            if (!formatter.CanRead(reader))
            {
                throw new FeedRejectedException("The document at rssFeedUrl is not an RSS 2.0 feed.");
            }

            formatter.ReadFrom(reader);
            return [.. formatter.Feed.Items.Select(Episode).OfType<FeedEpisode>().DistinctBy(e => e.Guid, StringComparer.Ordinal)];
        }
        catch (XmlException error)
        {
            throw new FeedRejectedException($"The document at rssFeedUrl is not a well-formed RSS feed: {error.Message}");
        }
    }

    private static FeedEpisode? Episode(SyndicationItem item)
    {
        var enclosure = item.Links.FirstOrDefault(link => link.RelationshipType == "enclosure")?.Uri;
        if (enclosure is not { IsAbsoluteUri: true } || !DescriptiveRules.IsHttpUri(enclosure.AbsoluteUri))
        {
            return null;
        }

        var audioUrl = enclosure.AbsoluteUri;
        // The RSS formatter reads <description> as the item's content (Summary stays for Atom).
        var description = Text((item.Content as TextSyndicationContent)?.Text) ?? Text(item.Summary?.Text) ?? Text(Extension(item, "summary"));
        return new FeedEpisode(
            Guid: Text(item.Id) ?? audioUrl,
            Title: Text(item.Title?.Text) ?? "",
            Description: description,
            AudioUrl: audioUrl,
            Duration: ParseDuration(Extension(item, "duration")),
            PublishedDate: item.PublishDate == default ? null : item.PublishDate.UtcDateTime,
            EpisodeNumber: ParseNumber(Extension(item, "episode")),
            SeasonNumber: ParseNumber(Extension(item, "season")));
    }

    /// <summary>Seconds ("3725", "3725.4"), MM:SS ("62:05") or H:MM:SS ("1:02:05"); null when unreadable.</summary>
    public static int? ParseDuration(string? text)
    {
        if (Text(text) is not { } value)
        {
            return null;
        }

        var parts = value.Split(':');
        if (parts.Length == 1)
        {
            return double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds) && seconds < int.MaxValue
                ? (int)Math.Round(seconds)
                : null;
        }

        if (parts.Length > 3 || parts.Any(part => part.Length is 0 or > 6 || !part.All(char.IsAsciiDigit)))
        {
            return null;
        }

        var total = parts.Aggregate(0L, (sum, part) => (sum * 60) + long.Parse(part, CultureInfo.InvariantCulture));
        return total <= int.MaxValue ? (int)total : null;
    }

    private static int? ParseNumber(string? text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : null;

    private static string? Extension(SyndicationItem item, string name)
    {
        var extension = item.ElementExtensions.FirstOrDefault(e => e.OuterName == name && e.OuterNamespace == ItunesNamespace);
        if (extension is null)
        {
            return null;
        }

        using var reader = extension.GetReader();
        return reader.ReadElementContentAsString();
    }

    private static string? Text(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>RFC 822 as RSS asks, but feeds in the wild also use ISO 8601 and other forms; a
    /// date that cannot be read leaves the episode undated instead of failing the whole feed.</summary>
    private static bool ParseDate(XmlDateTimeData data, out DateTimeOffset value)
    {
        var text = data.DateTimeString.Trim();
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value) &&
            !DateTimeOffset.TryParse(WithNumericZone(text), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value))
        {
            value = default;
        }

        return true;
    }

    /// <summary>RFC 822's zone names (EST, PDT, ...) as offsets, which .NET parses.</summary>
    private static string WithNumericZone(string text)
    {
        var space = text.LastIndexOf(' ');
        if (space < 0)
        {
            return text;
        }

        var offset = text[(space + 1)..].ToUpperInvariant() switch
        {
            "UT" or "GMT" or "Z" => "+00:00",
            "EST" => "-05:00",
            "EDT" => "-04:00",
            "CST" => "-06:00",
            "CDT" => "-05:00",
            "MST" => "-07:00",
            "MDT" => "-06:00",
            "PST" => "-08:00",
            "PDT" => "-07:00",
            _ => null,
        };
        return offset is null ? text : $"{text[..space]} {offset}";
    }
}
