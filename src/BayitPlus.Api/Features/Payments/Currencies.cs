using System.Globalization;

namespace BayitPlus.Api.Features.Payments;

/// <summary>How many decimals each currency's amounts have: the providers take amounts in minor
/// units (Stripe) or as text with exactly the currency's decimals (PayPal), so a price or refund
/// with more decimals than its currency cannot be charged as configured.</summary>
public static class Currencies
{
    // Stripe's currencies without minor units: amounts are sent, received and priced in whole units.
    private static readonly HashSet<string> ZeroDecimal =
        ["BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"];

    /// <summary>0 for a zero-decimal currency such as JPY or KRW, else 2 (ILS, USD, EUR…).</summary>
    public static int Decimals(string currency) => ZeroDecimal.Contains(currency.ToUpperInvariant()) ? 0 : 2;

    /// <summary>True when <paramref name="amount"/> has no more decimals than <paramref name="currency"/> allows.</summary>
    public static bool Fits(decimal amount, string currency) => decimal.Round(amount, Decimals(currency)) == amount;

    /// <summary>"at most two decimals" or "a whole number", for messages.</summary>
    public static string Describe(string currency) => Decimals(currency) == 0 ? "a whole number" : "at most two decimals";

    /// <summary>The amount in minor units (cents; yen are their own minor unit).</summary>
    public static long ToMinorUnits(decimal amount, string currency) =>
        (long)decimal.Round(amount * Scale(currency), 0, MidpointRounding.AwayFromZero);

    public static decimal ToMajorUnits(long amount, string currency) => (decimal)amount / Scale(currency);

    /// <summary>The amount as text with exactly the currency's decimals ("9.90", "1200").</summary>
    public static string Format(decimal amount, string currency) =>
        amount.ToString(Decimals(currency) == 0 ? "0" : "0.00", CultureInfo.InvariantCulture);

    private static decimal Scale(string currency) => Decimals(currency) == 0 ? 1m : 100m;
}
