using System.Text.RegularExpressions;

namespace BayitPlus.MongoEmulator.Bson;

/// <summary>MongoDB's PCRE option letters as .NET regex options: i, m, s, x, and u (accepted:
/// .NET regexes are Unicode already).</summary>
public static class RegexFlags
{
    public const int InvalidFlag = 51108;

    /// <param name="flags">The option letters.</param>
    /// <param name="operatorName">Prefixes the error message (e.g. <c>$regexMatch</c>), or empty.</param>
    public static RegexOptions ToOptions(string flags, string operatorName)
    {
        var options = RegexOptions.CultureInvariant;
        foreach (var flag in flags)
        {
            options |= flag switch
            {
                'i' => RegexOptions.IgnoreCase,
                'm' => RegexOptions.Multiline,
                's' => RegexOptions.Singleline,
                'x' => RegexOptions.IgnorePatternWhitespace,
                'u' => RegexOptions.None,
                _ => throw new MongoErrorException(InvalidFlag, $"{operatorName}{(operatorName.Length > 0 ? " " : "")}invalid flag in regex options: {flag}"),
            };
        }

        return options;
    }
}
