using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations.Sqlite
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
                type: "INTEGER",
                nullable: false,
                defaultValue: true);

            migrationBuilder.AddColumn<bool>(
                name: "Policy_ClientsChooseAutomaticPayment",
                table: "Firms",
                type: "INTEGER",
                nullable: false,
                defaultValue: true);

            migrationBuilder.AddColumn<string>(
                name: "AutomaticPayment",
                table: "ClientAccounts",
                type: "TEXT",
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
