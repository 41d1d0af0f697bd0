using System.Globalization;
using System.Text;

namespace CsScoring.Training.Sample;

/// <summary>The README written next to generated data: every column, the causal model, and the measured figures.</summary>
internal static class SampleReadme
{
    public static string Render(SampleSummary summary, SampleOptions options)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.Append(c, $"""
            # Synthetic SaaS customer base

            Written by `csscoring generate-sample --accounts {summary.Accounts} --months {summary.Months} --seed {summary.Seed}`
            (last snapshot {options.End:yyyy-MM-dd}). The same options give the same bytes. Nothing here describes a real company.

            ## Figures of this sample

            | figure | value |
            |---|---|
            | accounts simulated | {summary.Accounts} |
            | accounts with snapshots (the others churned before the window) | {summary.AccountsWithSnapshots} |
            | snapshots (rows of accounts.csv) | {summary.Snapshots} |
            | labelled snapshots | {summary.LabelledSnapshots} |
            | 90-day churn rate of labelled snapshots | {summary.ChurnRate:P2} |
            | blank cells in the columns with random gaps | {summary.RandomMissingRate:P2} |
            | oracle ROC-AUC (true probability vs label) | {summary.OracleAuc:F4} |
            | mrr_ledger.csv rows | {summary.LedgerRows} |
            | surveys.csv rows | {summary.SurveyRows} |
            | usage_events.csv rows | {summary.UsageEventRows} |

            MRR movements in the ledger (one per account-month, `opening` for the window's first month):
            {string.Join(", ", summary.MrrMovements.Select(m => $"{m.Key} {m.Value}"))}.

            ## Files

            ### accounts.csv: one row per account per month while it is a customer

            | column | type | meaning |
            |---|---|---|
            | account_id | text | `A` and six digits |
            | as_of | date | the snapshot's month end; every figure is as known on that day |
            | plan | category | starter, growth, business, enterprise |
            | region | category | na, emea, apac, latam |
            | industry | category | software, finance, healthcare, retail, education, manufacturing |
            | seats | integer | licensed seats |
            | mrr | money | monthly recurring revenue (seats x price per seat; annual contracts 15% cheaper) |
            | tenure_months | integer | months since the current contract started |
            | contract_type | category | monthly, annual |
            | renewal_date | date | next renewal, on the day of the month the contract started (monthly: next month; annual: the contract's anniversary) |
            | days_to_renewal | integer | renewal_date - as_of |
            | active_users | integer | users active in the month |
            | seat_utilization | ratio | active_users / seats |
            | dau_mau | ratio | stickiness: daily over monthly active users (blank: tracking gap) |
            | feature_adoption | ratio | share of the product's key features in use (blank: tracking gap) |
            | logins_30d | integer | logins in the month (blank: tracking gap) |
            | usage_trend | ratio | usage (active users x dau_mau) vs three months before, minus 1; blank in the first 3 months or on a tracking gap |
            | tickets_90d | integer | support tickets in the last 90 days |
            | severe_tickets_90d | integer | of which severity 1-2 |
            | csat | 1-5 | mean CSAT answer in the last 90 days; blank when nobody answered |
            | last_nps | 0-10 | the account's most recent NPS answer; blank when none yet |
            | days_since_last_login | integer | days since any user logged in |
            | onboarding_completed | 0/1 | onboarding finished (decided in the 4th month of a contract) |
            | executive_sponsor | 0/1 | an executive sponsor is named |
            | late_invoices_90d | integer | invoices paid late in the last 90 days |
            | expansion_mrr_90d | money | MRR added by seat expansion in the last 90 days |
            | churned_within_90d | 0/1 | 1 when the account is not a customer at some month end in the next three; **blank** when those 90 days pass the data's end |

            ### truth.csv: the generator's oracle, never a feature

            `account_id, as_of, true_churn_probability_90d`: the probability of the causal model
            below given the snapshot's full (pre-gap) state. Its ROC-AUC against the label is the oracle AUC above, the
            best a model can expect on this data (it is an approximation: it holds the hazard constant over the 90 days).

            ### mrr_ledger.csv

            `account_id, month (yyyy-MM-01), mrr`: one row per account per month it pays. A month with no row after a
            month with one is churn; a row after a gap is reactivation (win-back); the first row is new business (or the
            opening balance in the window's first month). Seat changes make expansion and contraction.

            ### surveys.csv

            `account_id, user_id, date, kind, score` (`user_id` is unique within its account): `nps` (0-10, about 12% of accounts a month), `csat` (1-5, after
            about 35% of tickets) and `ces` (1-7, about 8% of accounts a month).

            ### usage_events.csv

            `account_id, user_id, date, feature`: product events of the last {options.UsageEventDays} days (at most
            {SampleGenerator.MaxEventUsers} users an account, one row per feature used per user-day; `user_id` is unique within its account), for stickiness (DAU/MAU) and feature adoption.
            Features in order of discovery: {string.Join(", ", SampleGenerator.Features)}.

            ## The causal model

            Each account has a latent engagement `e` (account mean ~ N(0, 0.7²), monthly AR(1) with coefficient 0.85 and
            noise 0.35, and a 3% monthly shock of -1.6, or -0.7 with an executive sponsor: a champion leaving) and a
            financial-stress state (enters with 2% a month, leaves with 25%). Usage, adoption, tickets and sentiment are
            drawn from `e`; billing trouble (late invoices) from stress. Churn then depends **only on the observable
            snapshot**, through a monthly hazard `h = sigmoid(z)` with

            ```
            z = -4.0
              + 2.2 * max(0, 0.20 - dau_mau) / 0.20              low stickiness, a hinge: nothing above 0.20
              + 0.9 * min(2, max(0, -usage_trend - 0.2))          a usage drop of more than 20%
              + 0.45 * min(severe_tickets_90d, 3) * (sponsor ? 0.3 : 1)   severe tickets, softened by a sponsor (interaction)
              + 0.9 * min(late_invoices_90d, 2)                   billing trouble
              + (tenure < 3 ? +0.6 : onboarding_completed ? -0.7 : 0)   early life and onboarding
              - 0.5 * executive_sponsor
              + (last_nps <= 6 ? +0.6 : last_nps >= 9 ? -0.4 : 0)  detractors and promoters
              - 0.25 * ln(seats)                                  bigger accounts churn less
              - 1.2 * (feature_adoption - 0.5)
              + (days_since_last_login > 21 ? 0.5 : 0)
            ```

            Monthly contracts churn the next month with probability `h`. Annual contracts churn only at renewal, then
            with probability `1 - (1 - h)^4`, and otherwise only involuntarily (0.2% a month): so `contract_type` and
            `days_to_renewal` interact with every driver above, which trees can learn and a linear model cannot.
            A monthly contract's `days_to_renewal` (1 to 28 days: the day of the month it was signed on) carries no
            risk of its own: a monthly customer can leave any month.
            Churned accounts come back with 2% a month on a monthly contract (reactivation).

            **True drivers**, strongest first: dau_mau (below 0.20), contract_type x days_to_renewal, severe tickets
            without a sponsor, late invoices, usage_trend drops, feature_adoption, early tenure / onboarding, last_nps,
            executive_sponsor, days_since_last_login, seats. Plan, region and industry have **no direct effect** (plan
            acts only through seats and adoption).

            ## Missing values

            - Random tracking gaps: each of dau_mau, feature_adoption, logins_30d and usage_trend is blank in 3% of rows,
              independently (measured above).
            - Structural: usage_trend in a contract's first three months; csat when no CSAT answer in 90 days; last_nps
              before the first NPS answer.

            """);
        return text.ToString();
    }
}
