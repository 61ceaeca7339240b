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

    /// <summary>The audiences a maximum allows; null (no limit, or a value not listed) allows all.</summary>
    public static IReadOnlyList<string>? AllowedUpTo(string? maxAudience)
    {
        var rank = Ordered.ToList().IndexOf(maxAudience ?? "");
        return rank < 0 || maxAudience == Mature ? null : [.. Ordered.Take(rank + 1)];
    }

    /// <summary>Whether an item of <paramref name="audience"/> is within <paramref name="maxAudience"/>.</summary>
    public static bool Allows(string? maxAudience, string? audience) =>
        AllowedUpTo(maxAudience) is not { } allowed || allowed.Contains(audience ?? General);
}
