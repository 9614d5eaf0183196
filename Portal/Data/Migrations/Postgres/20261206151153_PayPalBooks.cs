using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class PayPalBooks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Existing charts get the defaults a new chart starts with (5117, PP), as the other providers' did.
            migrationBuilder.AddColumn<string>(
                name: "PayPalClearingAccount",
                table: "ChartsOfAccounts",
                type: "character varying(12)",
                maxLength: 12,
                nullable: false,
                defaultValue: "5117");

            migrationBuilder.AddColumn<string>(
                name: "PayPalJournal",
                table: "ChartsOfAccounts",
                type: "character varying(6)",
                maxLength: 6,
                nullable: false,
                defaultValue: "PP");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "PayPalClearingAccount",
                table: "ChartsOfAccounts");

            migrationBuilder.DropColumn(
                name: "PayPalJournal",
                table: "ChartsOfAccounts");
        }
    }
}
