namespace BayitPlus.Api.Features.Content;

/// <summary>
/// The one representation of a duration in responses: <c>durationSeconds</c>, whole seconds, or
/// null when unknown. The stored shapes stay the spec's (a content item's <c>duration</c> is text
/// such as <c>"1:45:00"</c>, an episode's is seconds); content responses keep the spec's text next
/// to it. Documents are also written by other services, so a stored value this API would not accept
/// reads as unknown rather than as a wrong number.
/// </summary>
public static class Durations
{
    /// <summary>Seconds of a content duration written <c>H:MM:SS</c> (1 to 3 digits of hours,
    /// minutes and seconds 00–59, ASCII digits, surrounding blanks ignored); null for anything else,
    /// including <c>M:SS</c> (<c>"1:45"</c> could be either a film or a clip).</summary>
    public static int? Seconds(string? text)
    {
        var parts = text?.Trim().Split(':');
        if (parts is not [var hours, var minutes, var seconds]
            || hours.Length is < 1 or > 3 || minutes.Length != 2 || seconds.Length != 2
            || !parts.All(part => part.All(char.IsAsciiDigit)))
        {
            return null;
        }

        var (h, m, s) = (Number(hours), Number(minutes), Number(seconds));
        return m < 60 && s < 60 ? (h * 3600) + (m * 60) + s : null;
    }

    /// <summary>An episode's stored seconds; a negative value is unknown.</summary>
    public static int? Seconds(int? stored) => stored is >= 0 ? stored : null;

    private static int Number(string digits) => digits.Aggregate(0, (number, digit) => (number * 10) + (digit - '0'));
}
