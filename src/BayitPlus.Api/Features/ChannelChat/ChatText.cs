using System.Globalization;
using System.Net;
using System.Text;
using Ganss.Xss;

namespace BayitPlus.Api.Features.ChannelChat;

/// <summary>What a chat message may contain: plain text, 1 to <see cref="MaxLength"/> characters
/// (Unicode code points) once every piece of markup is gone, in Unicode normalization form C,
/// without control characters or the bidirectional overrides and isolates that make text read
/// differently from how it is stored.</summary>
public static class ChatText
{
    public const int MaxLength = 500;

    /// <summary>Longest text looked at: markup is stripped before the length counts, but a frame
    /// far larger than any message could be is refused before the sanitizer parses it.</summary>
    private const int MaxRawLength = 4 * MaxLength;

    // No tag and no attribute is allowed, so only text survives; the text inside a removed element
    // (<b>hi</b>) is kept, except what never displays (script, style).
    private static readonly HtmlSanitizer Sanitizer = CreateSanitizer();

    /// <summary>The clean text, or null with <paramref name="problem"/> saying why it is refused.</summary>
    public static string? Clean(string? raw, out string problem)
    {
        problem = "";
        if (string.IsNullOrWhiteSpace(raw))
        {
            problem = "A message must not be empty.";
            return null;
        }

        if (raw.Length > MaxRawLength)
        {
            problem = $"A message must be at most {MaxLength} characters long.";
            return null;
        }

        if (StripMarkup(raw) is not { } text)
        {
            problem = "A message must not be markup spelt in entities over and over.";
            return null;
        }

        foreach (var rune in text.EnumerateRunes())
        {
            if (Rune.GetUnicodeCategory(rune) == UnicodeCategory.Control || IsBidiControl(rune.Value))
            {
                problem = "A message must not contain control characters or bidirectional overrides.";
                return null;
            }
        }

        text = text.Normalize(NormalizationForm.FormC).Trim();
        var length = text.EnumerateRunes().Count();
        if (length == 0)
        {
            problem = "A message must contain text; markup alone is removed.";
            return null;
        }

        if (length > MaxLength)
        {
            problem = $"A message must be at most {MaxLength} characters long.";
            return null;
        }

        return text;
    }

    /// <summary>An account name as the chat shows it: the same rules as a message, except that what
    /// is not allowed is dropped rather than refused (the name was accepted elsewhere), at most
    /// <see cref="MaxNameLength"/> characters; <c>user</c> when nothing is left.</summary>
    public static string DisplayName(string? name)
    {
        var text = name is { Length: <= MaxRawLength } ? StripMarkup(name) : null;
        var kept = new StringBuilder();
        foreach (var rune in (text ?? "").EnumerateRunes())
        {
            if (Rune.GetUnicodeCategory(rune) != UnicodeCategory.Control && !IsBidiControl(rune.Value))
            {
                kept.Append(rune.ToString());
            }
        }

        var clean = string.Concat(kept.ToString().Normalize(NormalizationForm.FormC).Trim().EnumerateRunes().Take(MaxNameLength).Select(r => r.ToString())).Trim();
        return clean.Length > 0 ? clean : "user";
    }

    public const int MaxNameLength = 100;

    /// <summary>The sanitizer answers HTML (entities escaped); decoding it gives the text a reader
    /// sees. Text that spelt markup as entities (<c>&amp;lt;script&amp;gt;</c>) decodes to markup,
    /// so it is stripped again until nothing changes; text that still changes after a few passes is
    /// built to get through, and refused (null).</summary>
    private static string? StripMarkup(string raw)
    {
        var text = raw;
        for (var pass = 0; pass < 3; pass++)
        {
            var stripped = WebUtility.HtmlDecode(Sanitizer.Sanitize(text));
            if (stripped == text)
            {
                return text;
            }

            text = stripped;
        }

        return null;
    }

    /// <summary>U+202A–U+202E (embeddings and overrides) and U+2066–U+2069 (isolates). The marks
    /// U+200E and U+200F stay: Hebrew text mixed with numbers and Latin needs them.</summary>
    private static bool IsBidiControl(int codePoint) => codePoint is >= 0x202A and <= 0x202E or >= 0x2066 and <= 0x2069;

    private static HtmlSanitizer CreateSanitizer()
    {
        var sanitizer = new HtmlSanitizer(new HtmlSanitizerOptions
        {
            AllowedTags = new HashSet<string>(),
            AllowedAttributes = new HashSet<string>(),
            AllowedCssProperties = new HashSet<string>(),
            AllowedSchemes = new HashSet<string>(),
            AllowedAtRules = new HashSet<AngleSharp.Css.Dom.CssRuleType>(),
        })
        {
            KeepChildNodes = true,
        };
        sanitizer.RemovingTag += (_, removing) =>
        {
            if (removing.Tag.LocalName is "script" or "style" or "template" or "noscript")
            {
                removing.Tag.TextContent = "";
            }
        };
        return sanitizer;
    }
}
