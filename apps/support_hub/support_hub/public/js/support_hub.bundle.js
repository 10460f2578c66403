import "./sla_timer";
import "./customer_panel";
import "./report_filters";
import "./queues";
