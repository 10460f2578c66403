import "./sla_timer";
import "./customer_panel";
