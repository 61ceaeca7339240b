namespace BayitPlus.Api.Infrastructure.Catalog;

/// <summary>The catalog's audience axis as a parental limit. A profile's maximum audience allows
/// itself and every audience below it, in the order kids &lt; family &lt; general &lt; mature: kids
/// sees kids only; family sees kids and family; general sees kids, family and general; mature sees
/// everything. An item without an audience counts as general, the catalog's default, so a kids or
/// family limit never shows an unclassified item.</summary>
public static class Audiences
{
    public const string Kids = "kids";
    public const string Family = "family";
    public const string General = "general";
    public const string Mature = "mature";

    /// <summary>From the most to the least restricted.</summary>
    public static readonly IReadOnlyList<string> Ordered = [Kids, Family, General, Mature];

    /// <summary>The audiences a maximum allows; null (no limit, or mature) allows all. A value not
    /// listed (another service's "Kids" or "teen") is a limit nobody can read, so it allows the
    /// least: kids only, never everything.</summary>
    public static IReadOnlyList<string>? AllowedUpTo(string? maxAudience)
    {
        if (string.IsNullOrEmpty(maxAudience) || maxAudience == Mature)
        {
            return null;
        }

        var rank = Ordered.ToList().IndexOf(maxAudience);
        return [.. Ordered.Take(rank < 0 ? 1 : rank + 1)];
    }
}
