using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AutomaticPaymentChoice : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "Policy_ChargeSavedCardsOnDueDate",
                table: "Firms",
                type: "boolean",
                nullable: false,
                defaultValue: true);

            migrationBuilder.AddColumn<bool>(
                name: "Policy_ClientsChooseAutomaticPayment",
                table: "Firms",
                type: "boolean",
                nullable: false,
                defaultValue: true);

            migrationBuilder.AddColumn<string>(
                name: "AutomaticPayment",
                table: "ClientAccounts",
                type: "character varying(60)",
                maxLength: 60,
                nullable: false,
                defaultValue: "Either");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Policy_ChargeSavedCardsOnDueDate",
                table: "Firms");

            migrationBuilder.DropColumn(
                name: "Policy_ClientsChooseAutomaticPayment",
                table: "Firms");

            migrationBuilder.DropColumn(
                name: "AutomaticPayment",
                table: "ClientAccounts");
        }
    }
}
